// What an output is: a sink that delivers one alert or throws. Queueing, retries, spooling and the
// minimum priority live in the Dispatcher around it, so each sink stays a few lines of I/O.
import type { Alert } from '../alerts/alert.js';
import { falcoJson, jsonLine, textLine, type JsonOptions, type TextOptions } from '../alerts/format.js';

export interface Sink {
  readonly kind: string;
  /** Delivers one alert; rejects on failure so the dispatcher retries. */
  send(a: Alert, signal: AbortSignal): Promise<void>;
  /** Delivers several alerts, in order, as one unit (all of them or, on rejection, none); optional. */
  sendMany?(as: Alert[], signal: AbortSignal): Promise<void>;
  close?(): Promise<void>;
}

/** A failure retrying cannot fix (the endpoint rejected this alert); the dispatcher drops it at once. */
export class PermanentError extends Error {}

export interface LineFormat extends TextOptions, JsonOptions {
  /** json_output */
  json?: boolean;
}

export function formatLine(a: Alert, f: LineFormat): string {
  return f.json ? jsonLine(a, f) : textLine(a, f);
}

/** The spool stores alerts as JSON; the bigint time travels as a decimal string. */
export function alertToRecord(a: Alert): string {
  return JSON.stringify({ ...a, time: a.time.toString() });
}

export function alertFromRecord(s: string): Alert {
  const o = JSON.parse(s) as Alert & { time: string };
  return { ...o, time: BigInt(o.time) };
}

export { falcoJson };
