import { recipientBody, type RecipientBehaviour, type RecipientInput } from './control.schema.js';

/** How simulated customers treat what a number sends them; default: read everything. */
export function createRecipientBook() {
  const byNumber = new Map<string, Map<string, RecipientBehaviour>>();

  return {
    set(input: RecipientInput): RecipientBehaviour {
      const behaviour = recipientBody.parse(input);
      const map = byNumber.get(behaviour.phone_number_id) ?? new Map<string, RecipientBehaviour>();
      map.set(behaviour.wa_id, behaviour);
      byNumber.set(behaviour.phone_number_id, map);
      return behaviour;
    },
    get: (phoneNumberId: string, waId: string) => byNumber.get(phoneNumberId)?.get(waId),
    remove(phoneNumberId: string, waId: string) {
      byNumber.get(phoneNumberId)?.delete(waId);
    },
  };
}

export type RecipientBook = ReturnType<typeof createRecipientBook>;
