import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Thrown when the environment cannot start the server; the message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (def: number) => z.coerce.number().int().positive().default(def);

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const opt = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(emptyToUndefined, schema.optional());

/** `no-reply@example.com` or `ApiCeChat <no-reply@example.com>`. */
const MAIL_FROM_FORMAT = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: opt(z.string()),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: opt(z.string().url()),
  REDIS_URL: opt(z.string().url()),
  JWT_SECRET: opt(z.string()),
  ENCRYPTION_KEY: opt(z.string()),
  JWT_ACCESS_TTL: int(900),
  JWT_REFRESH_TTL: int(60 * 60 * 24 * 30),
  PUBLIC_URL: opt(z.string().url()),
  CORS_ORIGIN: opt(z.string()),
  TRUST_PROXY: opt(z.string()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: opt(z.enum(['pretty', 'json'])),
  ADMIN_USERNAME: opt(z.string().min(1).max(150)),
  ADMIN_PASSWORD: opt(z.string()),
  ADMIN_EMAIL: opt(z.string().email()),
  DEFAULT_TENANT_NAME: z.string().min(1).default('Default'),
  ALLOW_SIGNUP: opt(bool),
  MFA_REQUIRED_ROLES: z.string().default(''),
  THROTTLE_TTL: int(60),
  THROTTLE_LIMIT: int(100),
  LOGIN_RATE_LIMIT: int(5),
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
  PRESENCE_AWAY_AFTER_MS: int(5 * 60_000),
  WS_MAX_SOCKETS_PER_USER: int(20),
  BODY_LIMIT_MB: int(1),
  SEARCH_TS_CONFIG: z
    .string()
    .regex(/^[a-z_]+$/, 'must be a text search configuration name')
    .default('simple'),
  // Unset = Meta's graph.facebook.com, or the built-in simulator outside production (WHATSAPP_SIMULATOR).
  WHATSAPP_BASE_URL: opt(z.string().url()),
  WHATSAPP_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v21.0')
    .default('v21.0'),
  WHATSAPP_APP_SECRET: opt(z.string()),
  WHATSAPP_WEBHOOK_VERIFY_TOKEN: opt(z.string()),
  WHATSAPP_SIMULATOR: opt(bool),
  WHATSAPP_SIMULATOR_WEBHOOK_URL: opt(z.string().url()),
  WHATSAPP_SIMULATOR_STATUS_DELAYS_MS: z
    .string()
    .regex(/^\d+,\d+,\d+$/, 'must be three millisecond offsets (sent,delivered,read) like 200,500,1000')
    .default('200,500,1000'),
  // Meta's default Cloud API throughput per phone number; upgraded numbers get up to 1,000.
  WHATSAPP_SEND_RATE: z.coerce.number().int().min(1).max(1000).default(80),
  WHATSAPP_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  // How long an unconfirmed hand-over waits for a status webhook naming its wamid before it is resent.
  WHATSAPP_SEND_CONFIRM_GRACE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  // Processed and unmatched webhook events are purged after this many days (failed ones stay until replayed or discarded).
  WEBHOOK_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // Messages + statuses one webhook POST may carry (Meta batches up to 1,000); more -> 413, nothing stored.
  WEBHOOK_MAX_UPDATES: z.coerce.number().int().min(1).max(100_000).default(2000),
  // A running job whose worker stops touching it this long (a killed process) is retried (pg-boss >= 10).
  QUEUE_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  // How often expired jobs and jobs of dead workers are looked for, across all instances.
  QUEUE_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  UPLOAD_MAX_IMAGE_MB: int(10),
  UPLOAD_MAX_VIDEO_MB: int(50),
  UPLOAD_MAX_AUDIO_MB: int(10),
  UPLOAD_MAX_DOCUMENT_MB: int(10),
  UPLOAD_MAX_IMAGE_PIXELS: int(40_000_000),
  MEDIA_ORPHAN_TTL_HOURS: int(24),
  // S3 presigned URLs live at most 7 days.
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().positive().max(604_800).default(3600),
  S3_ENDPOINT: opt(z.string().url()),
  S3_BUCKET: opt(z.string()),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: opt(z.string()),
  S3_SECRET_ACCESS_KEY: opt(z.string()),
  S3_FORCE_PATH_STYLE: opt(bool),
  // The password may sit in the URL: no message of these checks repeats the value.
  SMTP_URL: opt(
    z
      .string()
      .refine(isSmtpUrl, 'must look like smtp://user:pass@host:port (or smtps:// for TLS from the start)'),
  ),
  MAIL_FROM: opt(z.string().max(320).regex(MAIL_FROM_FORMAT, 'must be an address or "Name <address>"')),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwtSecret: string;
  encryptionKey: Buffer;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  publicUrl: string;
  corsOrigin: string[] | true;
  /** Fastify trustProxy: true, a hop count, or a list of proxy addresses. */
  trustProxy: boolean | number | string;
  logLevel: Env['LOG_LEVEL'];
  /** Human-readable lines for a developer; JSON (one object a line) for log collectors. */
  logFormat: 'pretty' | 'json';
  admin: { username: string; password: string | undefined; email: string | undefined };
  defaultTenantName: string;
  allowSignup: boolean;
  /** Role names whose users must enrol two-factor authentication. */
  mfaRequiredRoles: string[];
  throttle: { ttlSeconds: number; limit: number; loginLimit: number };
  /** A user goes offline graceMs after the last socket left (reconnects in between change nothing); away after awayAfterMs idle. */
  presence: { graceMs: number; awayAfterMs: number };
  /** Open /crm sockets one user may hold (every tab and device together); one more is refused at connect. */
  maxSocketsPerUser: number;
  bodyLimitBytes: number;
  searchTsConfig: string;
  whatsapp: {
    baseUrl: string;
    apiVersion: string;
    appSecret: string | undefined;
    verifyToken: string | undefined;
    /** The built-in Cloud API stand-in (src/whatsapp/simulator); undefined when off. */
    simulator: SimulatorConfig | undefined;
    /** Outbound sends per second per phone number, shared by every instance. */
    sendRatePerSecond: number;
    /** How long one Graph API call may take before it counts as a timeout. */
    httpTimeoutMs: number;
    /** How long a send that may have reached Meta waits for a status webhook before it is resent. */
    sendConfirmGraceMs: number;
    /** Processed and unmatched webhook events older than this are purged; failed ones are kept. */
    webhookEventRetentionDays: number;
    /** Updates (messages + statuses) one webhook POST may carry; a larger one is refused with 413. */
    webhookMaxUpdates: number;
  };
  /** Jobs of a dead worker are retried once their heartbeat is heartbeatSeconds old (checked every superviseSeconds). */
  queue: { heartbeatSeconds: number; superviseSeconds: number };
  uploads: {
    imageBytes: number;
    videoBytes: number;
    audioBytes: number;
    documentBytes: number;
    maxImagePixels: number;
  };
  /** Uploads never attached to a message are deleted after orphanTtlHours; signed file URLs live urlTtlSeconds. */
  media: { orphanTtlHours: number; urlTtlSeconds: number };
  s3:
    | {
        endpoint: string | undefined;
        bucket: string;
        region: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        forcePathStyle: boolean;
      }
    | undefined;
  /** Unset: mail is written to the log (platform/mailer.ts). */
  smtpUrl: string | undefined;
  /** The From header of every mail. */
  mailFrom: string;
}

export interface SimulatorConfig {
  /** Where the simulator posts its signed webhooks (the app's own webhook by default). */
  webhookUrl: string;
  /** Offsets from an accepted send at which its sent / delivered / read webhooks leave. */
  statusDelaysMs: { sent: number; delivered: number; read: number };
}

const MB = 1024 * 1024;
const META_GRAPH_URL = 'https://graph.facebook.com';
const DEV_ADMIN_PASSWORD = 'admin123';
const WEAK_SECRETS = new Set([
  'secret',
  'changeme',
  'change-me',
  'jwt_secret',
  'your-secret-key',
  'password',
]);

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function parseEncryptionKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const buf = Buffer.from(value, 'base64');
    if (buf.length === 32) return buf;
  }
  return undefined;
}

function isWeakJwtSecret(secret: string): boolean {
  return secret.length < 32 || WEAK_SECRETS.has(secret.toLowerCase()) || new Set(secret).size < 8;
}

interface DevSecrets {
  JWT_SECRET: string;
  ENCRYPTION_KEY: string;
}

/** Outside production, generated secrets live in DATA_DIR so restarts keep sessions and ciphertexts valid. */
function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (parsed.JWT_SECRET && parsed.ENCRYPTION_KEY) return parsed as DevSecrets;
  }
  const secrets: DevSecrets = {
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * On by default outside production when no Graph URL is configured, so a bare `npm start` works
 * offline; never in production, where it would accept any send and fake Meta's answers.
 */
function simulatorConfig(e: Env, isProduction: boolean, publicUrl: string): SimulatorConfig | undefined {
  const enabled = e.WHATSAPP_SIMULATOR ?? (!isProduction && e.WHATSAPP_BASE_URL === undefined);
  if (!enabled) return undefined;
  if (isProduction) throw new ConfigError('WHATSAPP_SIMULATOR cannot be enabled in production');
  const [sent, delivered, read] = e.WHATSAPP_SIMULATOR_STATUS_DELAYS_MS.split(',').map(Number) as [
    number,
    number,
    number,
  ];
  return {
    webhookUrl: e.WHATSAPP_SIMULATOR_WEBHOOK_URL ?? `${publicUrl}/api/v1/meta-whatsapp/webhook`,
    statusDelaysMs: { sent, delivered, read },
  };
}

export interface LoadConfigOptions {
  /** Called with human-readable warnings (generated secrets, default admin password). */
  warn?: (message: string) => void;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): Config {
  const warn = options.warn ?? (() => undefined);
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const dataDir = path.resolve(e.DATA_DIR);

  let jwtSecret = e.JWT_SECRET;
  let encryptionKeyText = e.ENCRYPTION_KEY;
  if (isProduction) {
    if (!jwtSecret)
      throw new ConfigError('JWT_SECRET is required in production (at least 32 random characters)');
    if (!encryptionKeyText)
      throw new ConfigError(
        'ENCRYPTION_KEY is required in production (32 bytes as 64 hex characters or base64)',
      );
  } else if (!jwtSecret || !encryptionKeyText) {
    const dev = loadOrCreateDevSecrets(dataDir);
    if (!jwtSecret) warn(`JWT_SECRET not set: using a generated development secret stored in ${dataDir}`);
    if (!encryptionKeyText)
      warn(`ENCRYPTION_KEY not set: using a generated development key stored in ${dataDir}`);
    jwtSecret ??= dev.JWT_SECRET;
    encryptionKeyText ??= dev.ENCRYPTION_KEY;
  }
  if (isWeakJwtSecret(jwtSecret)) {
    throw new ConfigError('JWT_SECRET is too weak: use at least 32 random characters');
  }
  const encryptionKey = parseEncryptionKey(encryptionKeyText);
  if (!encryptionKey)
    throw new ConfigError('ENCRYPTION_KEY must be 32 bytes given as 64 hex characters or base64');

  let adminPassword = e.ADMIN_PASSWORD;
  if (isProduction) {
    if (adminPassword !== undefined && (adminPassword === DEV_ADMIN_PASSWORD || adminPassword.length < 12)) {
      throw new ConfigError(
        'ADMIN_PASSWORD is a default or weak password: use at least 12 characters in production',
      );
    }
  } else if (adminPassword === undefined) {
    adminPassword = DEV_ADMIN_PASSWORD;
  }

  const host = e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1');
  const publicUrl = (e.PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${e.PORT}`).replace(
    /\/$/,
    '',
  );
  const simulator = simulatorConfig(e, isProduction, publicUrl);
  const corsOrigin = e.CORS_ORIGIN
    ? e.CORS_ORIGIN.split(',').map((s) => s.trim())
    : isProduction
      ? [publicUrl]
      : true;

  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    jwtSecret,
    encryptionKey,
    accessTokenTtlSeconds: e.JWT_ACCESS_TTL,
    refreshTokenTtlSeconds: e.JWT_REFRESH_TTL,
    publicUrl,
    corsOrigin,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (isProduction ? 'json' : 'pretty'),
    admin: { username: e.ADMIN_USERNAME ?? 'admin', password: adminPassword, email: e.ADMIN_EMAIL },
    defaultTenantName: e.DEFAULT_TENANT_NAME,
    allowSignup: e.ALLOW_SIGNUP ?? !isProduction,
    mfaRequiredRoles: e.MFA_REQUIRED_ROLES.split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    throttle: { ttlSeconds: e.THROTTLE_TTL, limit: e.THROTTLE_LIMIT, loginLimit: e.LOGIN_RATE_LIMIT },
    presence: { graceMs: e.PRESENCE_GRACE_MS, awayAfterMs: e.PRESENCE_AWAY_AFTER_MS },
    maxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
    bodyLimitBytes: e.BODY_LIMIT_MB * MB,
    searchTsConfig: e.SEARCH_TS_CONFIG,
    whatsapp: {
      baseUrl: (e.WHATSAPP_BASE_URL ?? (simulator ? `${publicUrl}/simulator/graph` : META_GRAPH_URL)).replace(
        /\/$/,
        '',
      ),
      apiVersion: e.WHATSAPP_API_VERSION,
      appSecret: e.WHATSAPP_APP_SECRET,
      verifyToken: e.WHATSAPP_WEBHOOK_VERIFY_TOKEN,
      simulator,
      sendRatePerSecond: e.WHATSAPP_SEND_RATE,
      httpTimeoutMs: e.WHATSAPP_HTTP_TIMEOUT_MS,
      sendConfirmGraceMs: e.WHATSAPP_SEND_CONFIRM_GRACE_MS,
      webhookEventRetentionDays: e.WEBHOOK_EVENT_RETENTION_DAYS,
      webhookMaxUpdates: e.WEBHOOK_MAX_UPDATES,
    },
    queue: { heartbeatSeconds: e.QUEUE_HEARTBEAT_SECONDS, superviseSeconds: e.QUEUE_SUPERVISE_SECONDS },
    uploads: {
      imageBytes: e.UPLOAD_MAX_IMAGE_MB * MB,
      videoBytes: e.UPLOAD_MAX_VIDEO_MB * MB,
      audioBytes: e.UPLOAD_MAX_AUDIO_MB * MB,
      documentBytes: e.UPLOAD_MAX_DOCUMENT_MB * MB,
      maxImagePixels: e.UPLOAD_MAX_IMAGE_PIXELS,
    },
    media: { orphanTtlHours: e.MEDIA_ORPHAN_TTL_HOURS, urlTtlSeconds: e.MEDIA_URL_TTL_SECONDS },
    s3: e.S3_BUCKET
      ? {
          endpoint: e.S3_ENDPOINT,
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE ?? false,
        }
      : undefined,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `ApiCeChat <no-reply@${new URL(publicUrl).hostname}>`,
  };
}
