import { describe, expect, it } from 'vitest';
import { parseRange } from './media-file.routes.js';
import { candidateFor, sanitizeFileName } from './media-types.js';

describe('sanitizeFileName', () => {
  it('falls back to "file" with the extension of the detected type when nothing usable is left', () => {
    expect(sanitizeFileName('../..', 'image/png')).toBe('file.png');
    expect(sanitizeFileName(undefined)).toBe('file');
    expect(sanitizeFileName('\u0000\u0007', 'application/pdf')).toBe('file.pdf');
  });

  it('keeps letters of every script and collapses whitespace', () => {
    expect(sanitizeFileName('Relatório  março\t2026.pdf')).toBe('Relatório março 2026.pdf');
  });
});

describe('candidateFor', () => {
  it('takes text only by its .txt/.csv name and only where documents are allowed', () => {
    expect(candidateFor(undefined, 'a.csv', ['document'])).toEqual({
      kind: 'document',
      mimeType: 'text/csv',
      refine: 'text',
    });
    expect(candidateFor(undefined, 'a.csv', ['image'])).toBeUndefined();
    expect(candidateFor(undefined, 'a.exe', ['document'])).toBeUndefined();
  });

  it('refuses macro-enabled Office files and other types not on the allow-lists', () => {
    expect(
      candidateFor('application/vnd.ms-word.document.macroenabled.12', 'a.docm', ['document']),
    ).toBeUndefined();
    expect(candidateFor('image/svg+xml', 'a.svg', ['image'])).toBeUndefined();
    expect(candidateFor('application/x-msdownload', 'a.jpg', ['image', 'document'])).toBeUndefined();
  });

  it('stores WhatsApp voice notes (Ogg Opus) as audio/ogg', () => {
    expect(candidateFor('audio/ogg; codecs=opus', 'v.ogg', ['audio'])).toEqual({
      kind: 'audio',
      mimeType: 'audio/ogg',
    });
  });
});

describe('parseRange', () => {
  it('reads the three forms of one byte range', () => {
    expect(parseRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
  });

  it('ignores what it does not serve and flags ranges past the end', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined();
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
  });
});
