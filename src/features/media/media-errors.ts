import { AppError } from '../../http/errors.js';

const MB = 1024 * 1024;

export const tooLarge = (kind: string, limitBytes: number) =>
  new AppError(
    413,
    'PAYLOAD_TOO_LARGE',
    `The ${kind} is larger than the limit of ${Math.round((limitBytes / MB) * 10) / 10} MB`,
  );

/** Refused from the header: decoding it would take memory and time in proportion to its pixels. */
export const tooManyPixels = (width: number, height: number, maxPixels: number) =>
  new AppError(
    413,
    'PAYLOAD_TOO_LARGE',
    `The image is ${width}x${height} pixels, more than the limit of ${maxPixels.toLocaleString('en')} pixels`,
  );

export const unsupportedType = (name: string, detail = 'its type is not accepted here') =>
  new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', `"${name}" cannot be uploaded: ${detail}`);

/** Whatever was caught, as an Error that can be thrown again. */
export const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
