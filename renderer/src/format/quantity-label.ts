/**
 * A quantity's name in the UI's language. Per-phase, per-tariff and per-quadrant quantities share their base name:
 * `power_in_l1` is "Power import L1", `energy_in_t2` "Energy import, tariff 2", `reactive_power_q1` "Reactive power Q1".
 */
import type { TFunction } from 'i18next';

const SUFFIX = /^(.+)_(l[1-3]|t[1-4]|q[1-4])$/;

export function quantityLabel(t: TFunction, quantity: string): string {
  const known = (id: string) => t(`quantity.${id}`, { defaultValue: '' });
  const whole = known(quantity);
  if (whole) return whole;
  const [, base = '', suffix = ''] = SUFFIX.exec(quantity) ?? [];
  const name = base && known(base);
  if (!name) return quantity;
  return suffix.startsWith('t')
    ? `${name}, ${t('quantity.tariff', { n: suffix.slice(1) })}`
    : `${name} ${suffix.toUpperCase()}`;
}
