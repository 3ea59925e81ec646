import type { Attachment, Message } from '../api/types';
import { Icon } from '../ui/Icon';
import { Linkified } from '../ui/Linkified';
import { list, num, obj, text, type Obj } from './content';
import { fileSize } from './format';

function AttachmentView({ a }: { a: Attachment }) {
  if (!a.url) return <div className="media-pending">{a.name ?? a.kind} is not available yet…</div>;
  switch (a.kind) {
    case 'image':
    case 'sticker':
      return (
        <a href={a.url} target="_blank" rel="noopener noreferrer" className="media-link">
          <img
            className={a.kind === 'sticker' ? 'sticker' : 'image'}
            src={a.preview_url ?? a.url}
            alt={a.name ?? (a.kind === 'sticker' ? 'Sticker' : 'Image')}
            loading="lazy"
          />
        </a>
      );
    case 'video':
      return (
        <video
          className="video"
          controls
          preload="metadata"
          src={a.url}
          poster={a.thumbnail_url ?? undefined}
        >
          <a href={a.url}>Download the video</a>
        </video>
      );
    case 'audio':
      return (
        <audio className="audio" controls preload="none" src={a.url} aria-label={a.name ?? 'Audio message'} />
      );
    case 'document':
      return (
        <a
          className="document"
          href={a.url}
          target="_blank"
          rel="noopener noreferrer"
          download={a.name ?? true}
        >
          <Icon name="file" size={22} />
          <span className="document-name">{a.name ?? 'Document'}</span>
          <span className="muted">
            {[a.mime_type?.split('/')[1]?.toUpperCase(), fileSize(a.size)].filter(Boolean).join(' · ')}
          </span>
        </a>
      );
  }
}

function LocationView({ location }: { location: Obj }) {
  const lat = num(location.latitude);
  const lon = num(location.longitude);
  const label = [text(location.name), text(location.address)].filter(Boolean).join(' — ');
  const href =
    lat !== undefined && lon !== undefined
      ? `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`
      : undefined;
  return (
    <div className="card">
      <Icon name="pin" />{' '}
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {label || `${lat}, ${lon}`}
        </a>
      ) : (
        label || 'Location'
      )}
    </div>
  );
}

function ContactCards({ contacts }: { contacts: Obj[] }) {
  return (
    <>
      {contacts.map((c, i) => {
        const name = obj(c.name);
        const org = text(obj(c.org).company);
        return (
          <div className="card contact-card" key={i}>
            <strong>
              <Icon name="user" /> {text(name.formatted_name) ?? text(name.first_name) ?? 'Contact'}
            </strong>
            {org && <div className="muted">{org}</div>}
            {list(c.phones).map((p, j) => (
              <div key={`p${j}`}>{text(p.phone) ?? text(p.wa_id)}</div>
            ))}
            {list(c.emails).map((e, j) => (
              <div key={`e${j}`}>{text(e.email)}</div>
            ))}
          </div>
        );
      })}
    </>
  );
}

/** Inbound: the customer's choice. Outbound: what we offered (body, buttons or list rows). */
function InteractiveView({ interactive }: { interactive: Obj }) {
  const reply = obj(interactive.button_reply ?? interactive.list_reply);
  if (text(reply.title)) {
    return (
      <div className="card choice">
        <span className="muted">Chose</span> <strong>{text(reply.title)}</strong>
        {text(reply.description) && <div className="muted">{text(reply.description)}</div>}
      </div>
    );
  }
  const flow = obj(interactive.nfm_reply);
  if (Object.keys(flow).length) {
    return (
      <div className="card choice">
        <span className="muted">Form reply</span>{' '}
        <strong>{text(flow.body) ?? text(flow.name) ?? 'Submitted'}</strong>
      </div>
    );
  }
  const action = obj(interactive.action);
  const buttons = list(action.buttons).map((b) => text(obj(b.reply).title) ?? text(b.title));
  const rows = list(action.sections).flatMap((s) => list(s.rows).map((r) => text(r.title)));
  return (
    <div className="card">
      {text(obj(interactive.header).text) && <strong>{text(obj(interactive.header).text)}</strong>}
      {text(obj(interactive.body).text) && <p>{text(obj(interactive.body).text)}</p>}
      {text(obj(interactive.footer).text) && <p className="muted">{text(obj(interactive.footer).text)}</p>}
      <div className="choices">
        {[...buttons, ...rows].filter(Boolean).map((label, i) => (
          <span className="choice-chip" key={i}>
            {label}
          </span>
        ))}
      </div>
    </div>
  );
}

function TemplateView({ template }: { template: Obj }) {
  const values = list(template.components).flatMap((c) =>
    list(c.parameters).map((p) => text(p.text) ?? text(obj(p.currency).fallback_value) ?? text(p.type)),
  );
  return (
    <div className="card">
      <span className="muted">Template</span> <strong>{text(template.name) ?? 'template'}</strong>{' '}
      <span className="muted">({text(obj(template.language).code) ?? text(template.language) ?? '—'})</span>
      {values.length > 0 && (
        <ol className="template-values">
          {values.map((v, i) => (
            <li key={i}>{v}</li>
          ))}
        </ol>
      )}
    </div>
  );
}

function OrderView({ order }: { order: Obj }) {
  const items = list(order.product_items);
  return (
    <div className="card">
      <strong>
        <Icon name="cart" /> Order
      </strong>
      <ul className="order-items">
        {items.map((item, i) => (
          <li key={i}>
            {num(item.quantity) ?? 1} × {text(item.product_retailer_id)} — {num(item.item_price) ?? '?'}{' '}
            {text(item.currency)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a message says, by type. Every string is rendered as text, never as HTML. */
export function MessageContent({ message: m }: { message: Message }) {
  if (m.deleted_at) return <p className="muted deleted">This message was deleted</p>;
  const c = m.content;
  const referral = obj(c.referral);
  const body = m.body && (
    <p className="body">
      <Linkified text={m.body} />
    </p>
  );
  const attachments = m.attachments.map((a) => <AttachmentView key={a.id} a={a} />);

  let main: React.ReactNode;
  switch (m.type) {
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      main = (
        <>
          {attachments.length ? (
            attachments
          ) : (
            <div className="media-pending">The {m.type} is being downloaded…</div>
          )}
          {m.type === 'document' && m.attachments.length && m.body === m.attachments[0]?.name ? null : body}
        </>
      );
      break;
    case 'location':
      main = <LocationView location={obj(c.location)} />;
      break;
    case 'contacts':
      main = <ContactCards contacts={list(c.contacts)} />;
      break;
    case 'interactive':
      main = <InteractiveView interactive={obj(c.interactive)} />;
      break;
    case 'button':
      main = (
        <div className="card choice">
          <span className="muted">Tapped</span> <strong>{text(obj(c.button).text) ?? m.body}</strong>
        </div>
      );
      break;
    case 'template':
      main = (
        <>
          <TemplateView template={obj(c.template)} />
          {body}
        </>
      );
      break;
    case 'order':
      main = <OrderView order={obj(c.order)} />;
      break;
    case 'reaction':
      main = <p className="body">Reacted {text(obj(c.reaction).emoji) ?? ''}</p>;
      break;
    case 'unsupported':
      main = (
        <p className="muted">
          This kind of message ({text(obj(c.unsupported).type) ?? 'unknown'}) can't be shown here. Open
          WhatsApp to see it.
        </p>
      );
      break;
    default:
      main = (
        <>
          {attachments}
          {body}
        </>
      );
  }
  return (
    <>
      {text(referral.headline) && (
        <div className="card referral">
          <span className="muted">From an ad:</span> {text(referral.headline)}
        </div>
      )}
      {main}
    </>
  );
}
