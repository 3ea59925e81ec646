import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { User } from '../api/types';
import { PresenceDot, usePresence } from '../realtime/presence';
import { useBots } from './queries';

export interface TransferTarget {
  user_id?: string;
  bot_id?: string;
  note?: string;
}

/** Hand a conversation to another agent or a bot, with a note for them. */
export function TransferDialog({
  users,
  me,
  busy,
  onTransfer,
  onClose,
}: {
  users: Map<string, User>;
  me: User;
  busy: boolean;
  onTransfer: (target: TransferTarget) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const bots = useBots(true);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    const [kind, id] = target.split(':');
    if (!id) return;
    onTransfer({
      ...(kind === 'bot' ? { bot_id: id } : { user_id: id }),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  }

  const agents = [...users.values()]
    .filter((u) => u.id !== me.id)
    .sort((a, b) => a.name.localeCompare(b.name));
  const presence = usePresence(agents.map((u) => u.id));
  const statusOf = (u: User) => presence.get(u.id) ?? (u.online ? u.presence : 'offline');
  const chosen = target.startsWith('user:') ? users.get(target.slice('user:'.length)) : undefined;
  return (
    <dialog ref={dialog} className="dialog" onClose={onClose} aria-labelledby="transfer-title">
      <form onSubmit={submit}>
        <h2 id="transfer-title">Transfer conversation</h2>
        <label>
          To
          <select value={target} onChange={(e) => setTarget(e.target.value)} required autoFocus>
            <option value="">Choose an agent or a bot…</option>
            <optgroup label="Agents">
              {agents.map((u) => (
                <option key={u.id} value={`user:${u.id}`}>
                  {u.name} ({statusOf(u)})
                </option>
              ))}
            </optgroup>
            {(bots.data?.data.length ?? 0) > 0 && (
              <optgroup label="Bots">
                {bots.data?.data.map((b) => (
                  <option key={b.id} value={`bot:${b.id}`}>
                    {b.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          {chosen && <PresenceDot name={chosen.name} status={statusOf(chosen)} />}
        </label>
        <label>
          Note for them (optional)
          <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} rows={3} />
        </label>
        <div className="row">
          <span className="spacer" />
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !target}>
            Transfer
          </button>
        </div>
      </form>
    </dialog>
  );
}
