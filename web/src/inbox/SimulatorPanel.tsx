import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, type SimulatedCustomerMessage } from '../api/endpoints';
import { ApiError } from '../api/http';
import type { Conversation } from '../api/types';
import { ErrorText } from '../ui/ErrorText';
import { Icon } from '../ui/Icon';

/**
 * Development aid on the built-in WhatsApp simulator: play the customer and watch the message
 * arrive in the inbox like a real one (webhook, processing, live update).
 */
export function SimulatorPanel({
  conversation,
  onClose,
}: {
  conversation: Conversation | undefined;
  onClose: () => void;
}) {
  const numbers = useQuery({ queryKey: ['integrations'], queryFn: api.integrations });
  const fromConversation = numbers.data?.data.find((n) => n.id === conversation?.integration_id);
  const [numberId, setNumberId] = useState('');
  const [from, setFrom] = useState(
    () => conversation?.contact.phone_number?.replace(/\D/g, '') ?? '15550001111',
  );
  const [name, setName] = useState(() => conversation?.contact.name ?? 'Test Customer');
  const [text, setText] = useState('');
  // The customer reacts to a message by its WhatsApp id: the open conversation's latest one to start.
  const [reactTo, setReactTo] = useState(() => conversation?.last_message?.whatsapp_message_id ?? '');
  const [emoji, setEmoji] = useState('👍');
  const phoneNumberId =
    numberId || fromConversation?.phone_number_id || numbers.data?.data[0]?.phone_number_id || '';

  const send = useMutation({
    mutationFn: (m: Omit<SimulatedCustomerMessage, 'phone_number_id' | 'from' | 'name'>) =>
      api.simulateCustomer({ phone_number_id: phoneNumberId, from, name, ...m }),
    onSuccess: () => setText(''),
  });
  const off = send.error instanceof ApiError && send.error.status === 404;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (text.trim()) send.mutate({ type: 'text', text: { body: text.trim() } });
  }

  return (
    <section className="simulator" aria-label="Simulated customer">
      <header className="row">
        <strong>Simulated customer</strong>
        <span className="spacer" />
        <button type="button" onClick={onClose} aria-label="Close the simulator">
          <Icon name="close" size={12} />
        </button>
      </header>
      {numbers.data && !numbers.data.data.length && (
        <p className="muted small">Connect a WhatsApp number first.</p>
      )}
      <form onSubmit={submit}>
        <label>
          Number
          <select value={phoneNumberId} onChange={(e) => setNumberId(e.target.value)}>
            {(numbers.data?.data ?? []).map((n) => (
              <option key={n.id} value={n.phone_number_id}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <div className="row">
          <label>
            Customer phone
            <input
              value={from}
              onChange={(e) => setFrom(e.target.value.replace(/\D/g, ''))}
              inputMode="numeric"
              required
            />
          </label>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
        <label>
          Message
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Hi, I need help with my order"
          />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={!phoneNumberId || send.isPending}>
            Send text
          </button>
          <button
            type="button"
            disabled={!phoneNumberId || send.isPending}
            onClick={() => send.mutate({ type: 'image', image: { caption: text.trim() || 'A photo' } })}
          >
            Photo
          </button>
          <button
            type="button"
            disabled={!phoneNumberId || send.isPending}
            onClick={() =>
              send.mutate({
                type: 'location',
                location: { latitude: 52.52, longitude: 13.405, name: 'Alexanderplatz' },
              })
            }
          >
            Location
          </button>
        </div>
        <div className="row">
          <label>
            React to (wamid)
            <input value={reactTo} onChange={(e) => setReactTo(e.target.value.trim())} />
          </label>
          <label>
            Emoji
            <input value={emoji} onChange={(e) => setEmoji(e.target.value.trim())} size={3} />
          </label>
          <button
            type="button"
            disabled={!phoneNumberId || !reactTo || !emoji || send.isPending}
            onClick={() => send.mutate({ type: 'reaction', reaction: { message_id: reactTo, emoji } })}
          >
            React
          </button>
        </div>
      </form>
      <ErrorText error={off ? 'The WhatsApp simulator is off on this server.' : send.error} />
    </section>
  );
}
