import { faultBody, type FaultInput, type FaultSpec } from './control.schema.js';
import type { GraphEndpoint } from './endpoints.js';

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
}

/** Scripted failures, per number: each matching request takes the oldest fault with uses left. */
export function createFaultBook() {
  const byNumber = new Map<string, Fault[]>();
  let seq = 0;

  return {
    add(input: FaultInput): Fault {
      const spec = faultBody.parse(input);
      const fault: Fault = { ...spec, id: ++seq, remaining: spec.count };
      byNumber.set(spec.phone_number_id, [...(byNumber.get(spec.phone_number_id) ?? []), fault]);
      return fault;
    },
    list: (phoneNumberId: string): Fault[] => [...(byNumber.get(phoneNumberId) ?? [])],
    clear(phoneNumberId: string) {
      byNumber.delete(phoneNumberId);
    },
    /** Consumes one use of the fault that applies to this request, if any. */
    take(phoneNumberId: string, endpoint: GraphEndpoint): Fault | undefined {
      const list = byNumber.get(phoneNumberId) ?? [];
      const fault = list.find((f) => f.endpoint === endpoint || f.endpoint === 'any');
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining === 0)
        byNumber.set(
          phoneNumberId,
          list.filter((f) => f !== fault),
        );
      return fault;
    },
  };
}

export type FaultBook = ReturnType<typeof createFaultBook>;
