import { inspect } from 'node:util';

/**
 * A password or key that never shows itself by accident: logging, JSON and string conversion all print `***`.
 * Only `reveal()` gives the value, at the one place that needs it (the MQTT client, the decoder).
 */
export class Secret<T extends string | Uint8Array = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [inspect.custom](): string {
    return 'Secret(***)';
  }
}
