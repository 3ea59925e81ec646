import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, type SendMessageInput } from '../api/endpoints';
import { ApiError } from '../api/http';
import { can } from '../api/session';
import type { Attachment, Conversation, Message, User } from '../api/types';
import { uploadFile } from '../api/uploads';
import { useSocket } from '../realtime/RealtimeProvider';
import { useTypingAnnouncer } from '../realtime/typing';
import { ErrorText } from '../ui/ErrorText';
import { Icon } from '../ui/Icon';
import { useNow } from '../ui/useNow';
import { putConversation, putMessage } from './cache';
import { countdown, previewOf } from './format';
import { TemplatePicker, type TemplateBody } from './TemplatePicker';
import { windowOf } from './window';

/** Unsent text per conversation, kept while the agent looks at another one. */
const drafts = new Map<string, string>();

interface Props {
  conversation: Conversation;
  me: User;
  replyTo: Message | null;
  onClearReply: () => void;
  nameOf: (m: Message) => string;
}

interface Upload {
  name: string;
  progress: number;
  attachment?: Attachment;
}

export function Composer({ conversation, me, replyTo, onClearReply, nameOf }: Props) {
  const qc = useQueryClient();
  const socket = useSocket();
  const { typing, stop } = useTypingAnnouncer(socket, conversation.id);
  const [text, setText] = useState(() => drafts.get(conversation.id) ?? '');
  const [isNote, setIsNote] = useState(false);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pickingTemplate, setPickingTemplate] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const now = useNow(30_000);
  const window24 = windowOf(conversation, now);
  const locked = window24.kind === 'closed' && !isNote;

  useEffect(() => {
    drafts.set(conversation.id, text);
  }, [conversation.id, text]);
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  const send = useMutation({
    mutationFn: (body: SendMessageInput) => api.send(body),
    onSuccess: (message) => {
      putMessage(qc, message, true);
      setError(null);
    },
    onError: (err) => {
      setError(err);
      // The window closed while the composer was open: fetch its new state to lock the composer.
      if (err instanceof ApiError && err.code === 'WINDOW_CLOSED')
        void api.conversation(conversation.id).then(
          (c) => putConversation(qc, c, me),
          () => undefined,
        );
    },
  });

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const body = text.trim();
    const attachment = upload?.attachment;
    if ((!body && !attachment) || send.isPending || (upload && !attachment) || locked) return;
    stop();
    send.mutate(
      {
        conversation_id: conversation.id,
        ...(body ? { body } : {}),
        ...(isNote ? { private: true } : {}),
        ...(replyTo ? { reply_to_id: replyTo.id } : {}),
        ...(attachment ? { attachment_ids: [attachment.id] } : {}),
      },
      {
        onSuccess: () => {
          setText('');
          setUpload(null);
          onClearReply();
        },
      },
    );
  }

  function sendTemplate(template: TemplateBody) {
    send.mutate(
      { conversation_id: conversation.id, type: 'template', template },
      { onSuccess: () => setPickingTemplate(false) },
    );
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      if (replyTo) onClearReply();
      else input.current?.blur();
    }
  }

  async function attach(file: File | undefined) {
    if (!file) return;
    setError(null);
    setUpload({ name: file.name, progress: 0 });
    try {
      const attachment = await uploadFile(file, (progress) => setUpload({ name: file.name, progress }));
      setUpload({ name: file.name, progress: 1, attachment });
    } catch (err) {
      setUpload(null);
      setError(err);
    }
  }

  return (
    <div className={`composer ${isNote ? 'note-mode' : ''}`}>
      {window24.kind === 'open' && (
        <p className="window-info small muted">
          WhatsApp window closes in <strong>{countdown(window24.expiresAt, now)}</strong>
        </p>
      )}
      {window24.kind === 'closed' && (
        <div className="window-closed" role="status">
          <p>
            <strong>The 24-hour window is closed.</strong> The customer hasn't written in the last 24 hours,
            so WhatsApp only delivers an approved template. You can still leave a private note.
          </p>
          {!pickingTemplate && (
            <button type="button" className="primary small" onClick={() => setPickingTemplate(true)}>
              Send a template
            </button>
          )}
        </div>
      )}
      {pickingTemplate && conversation.integration_id && (
        <TemplatePicker
          integrationId={conversation.integration_id}
          canList={can(me, 'templates:manage')}
          busy={send.isPending}
          onSend={sendTemplate}
          onCancel={() => setPickingTemplate(false)}
        />
      )}
      {replyTo && (
        <div className="replying">
          <div>
            <span className="muted small">Replying to {nameOf(replyTo)}</span>
            <div className="ellipsis">{previewOf(replyTo)}</div>
          </div>
          <button type="button" onClick={onClearReply} aria-label="Cancel reply">
            <Icon name="close" />
          </button>
        </div>
      )}
      {upload && (
        <div className="upload">
          <Icon name="attach" />
          <span className="ellipsis">{upload.name}</span>
          {upload.attachment ? (
            <span className="muted small">ready</span>
          ) : (
            <progress max={1} value={upload.progress} aria-label={`Uploading ${upload.name}`} />
          )}
          <button type="button" onClick={() => setUpload(null)} aria-label="Remove attachment">
            <Icon name="close" />
          </button>
        </div>
      )}
      <ErrorText error={error} />
      <form className="composer-row" onSubmit={submit}>
        <button
          type="button"
          className={`toggle ${isNote ? 'on' : ''}`}
          aria-pressed={isNote}
          onClick={() => setIsNote((n) => !n)}
          title="Private note: only your team sees it"
        >
          <Icon name="lock" size={14} /> Note
        </button>
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          aria-label="Attach a file"
          title="Attach a file"
          disabled={locked}
        >
          <Icon name="attach" />
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          onChange={(e) => {
            void attach(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <textarea
          ref={input}
          rows={1}
          value={text}
          disabled={locked}
          aria-label={isNote ? 'Private note' : 'Message'}
          placeholder={
            locked
              ? 'Window closed: send a template or switch to a private note'
              : isNote
                ? 'Write a private note (Enter to save, Shift+Enter for a new line)'
                : 'Type a message (Enter to send, Shift+Enter for a new line)'
          }
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim()) typing();
            else stop();
          }}
          onKeyDown={onKeyDown}
          onBlur={stop}
        />
        <button type="submit" className="primary" disabled={send.isPending || locked}>
          {isNote ? 'Save note' : 'Send'}
        </button>
      </form>
    </div>
  );
}
