import { fbtraceId } from './ids.js';

/** Meta's error body: `{ error: { message, type, code, error_data?, error_subcode?, fbtrace_id } }`. */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    error_subcode?: number;
    fbtrace_id: string;
  };
}

interface KnownError {
  /** HTTP status per Meta's error-code table (security.md §4). */
  status: number;
  title: string;
  details?: string;
  /** Graph's own errors (token, unknown) carry a plain message instead of `(#code) title`. */
  plainMessage?: boolean;
  subcode?: number;
}

const HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** The errors the simulator answers or can be told to answer; texts follow Meta's samples. */
const KNOWN: Record<number, KnownError> = {
  1: { status: 500, title: 'An unknown error has occurred.', plainMessage: true },
  2: { status: 503, title: 'Service temporarily unavailable', plainMessage: true },
  4: { status: 400, title: 'Application request limit reached' },
  10: { status: 403, title: 'Permission denied' },
  100: { status: 400, title: 'Invalid parameter', details: 'Invalid parameter' },
  104: { status: 400, title: 'An access token is required to request this resource.', plainMessage: true },
  190: {
    status: 401,
    title: 'Invalid OAuth access token - Cannot parse access token',
    plainMessage: true,
  },
  200: { status: 403, title: 'Permission denied' },
  368: { status: 403, title: 'Temporarily blocked for policies violations' },
  2500: { status: 400, title: 'Unknown path components', plainMessage: true },
  130429: {
    status: 400,
    title: 'Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
    subcode: 2494055,
  },
  130472: {
    status: 400,
    title: "User's number is part of an experiment",
    details: "Failed to send message because this user's phone number is part of an experiment",
  },
  131000: {
    status: 500,
    title: 'Something went wrong',
    details: 'Message failed to send due to an unknown error.',
  },
  131008: { status: 400, title: 'Required parameter is missing' },
  131009: { status: 400, title: 'Parameter value is not valid' },
  131016: { status: 500, title: 'Service unavailable', details: 'A service is temporarily unavailable.' },
  131026: {
    status: 400,
    title: 'Message undeliverable',
    details:
      'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number; the recipient has not accepted the new Terms of Service; the recipient is using an old WhatsApp version.',
  },
  131031: { status: 403, title: 'Account has been locked' },
  131047: {
    status: 400,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: {
    status: 400,
    title: 'Spam rate limit hit',
    details:
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  },
  131049: {
    status: 400,
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131051: { status: 400, title: 'Message type unknown', details: 'Message type is currently not supported.' },
  131053: {
    status: 400,
    title: 'Media upload error',
    details: 'Unable to upload the media used in the message.',
  },
  131056: {
    status: 400,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  132001: { status: 404, title: 'Template name does not exist in the translation' },
};

export const knownErrorCodes = () => Object.keys(KNOWN).map(Number);

const known = (code: number): KnownError => KNOWN[code] ?? { status: 400, title: 'Error' };

/** Meta's HTTP status for an error code (400 for codes it lists without one). */
export const httpStatusOf = (code: number) => known(code).status;

/** A Graph failure, answered in Meta's error shape by the simulator's error handler. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly body: GraphErrorBody,
  ) {
    super(body.error.message);
    this.name = 'GraphError';
  }
}

export interface GraphErrorOptions {
  /** Replaces Meta's message (Graph's plain-message errors) or the title after `(#code)`. */
  message?: string;
  /** null: no error_data at all (Graph's own errors). */
  details?: string | null;
  status?: number;
  subcode?: number;
  /** Message as given, without the `(#code)` prefix. */
  plain?: boolean;
  type?: string;
}

/** Builds Meta's error for a code, with its usual HTTP status and texts. */
export function graphError(code: number, o: GraphErrorOptions = {}): GraphError {
  const k = known(code);
  const title = o.message ?? k.title;
  const details = o.details === null ? undefined : (o.details ?? k.details);
  const subcode = o.subcode ?? k.subcode;
  return new GraphError(o.status ?? k.status, {
    error: {
      message: k.plainMessage || o.plain ? title : `(#${code}) ${title}`,
      type: o.type ?? 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp' as const, details } } : {}),
      ...(subcode ? { error_subcode: subcode } : {}),
      fbtrace_id: fbtraceId(),
    },
  });
}

/** A received value as error texts quote it. */
export const shown = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

/** `(#100) The parameter X is required.` */
export const missingParam = (name: string) =>
  graphError(100, {
    message: `The parameter ${name} is required.`,
    details: `The parameter ${name} is required.`,
  });

/** `(#100) Invalid parameter` with the reason in error_data.details, as in Meta's samples. */
export const invalidParam = (details: string) => graphError(100, { details });

/** Graph's answer for an object that does not exist or that the token may not touch. */
export const unsupportedRequest = (method: string, objectId: string) =>
  graphError(100, {
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    subcode: 33,
    details: null,
    plain: true,
    type: 'GraphMethodException',
  });

/** The error object inside webhooks (failed statuses, unsupported messages): v16+ shape. */
export function webhookError(code: number) {
  const k = known(code);
  return {
    code,
    title: k.title,
    message: k.title,
    error_data: { details: k.details ?? k.title },
    href: HREF,
  };
}
