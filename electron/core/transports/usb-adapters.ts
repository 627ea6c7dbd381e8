/**
 * USB-to-serial chips found in P1 cables and M-Bus/IR readers, by USB vendor id (and product id where one vendor id
 * covers unrelated devices). A port with one of these is likely the meter adapter; anything else may still be one.
 */

export interface UsbSerialChip {
  vendorId: string;
  /** Product ids of the chip family; empty means every product of the vendor is a USB-serial chip. */
  productIds: readonly string[];
  name: string;
}

export const USB_SERIAL_CHIPS: readonly UsbSerialChip[] = [
  { vendorId: '0403', productIds: [], name: 'FTDI (FT232R, FT-X, ...)' },
  // Silicon Labs' vendor id also covers radios and other devices: only the CP210x defaults count.
  { vendorId: '10c4', productIds: ['ea60', 'ea61', 'ea63', 'ea70', 'ea7a', 'ea7b'], name: 'Silicon Labs CP210x' },
  { vendorId: '1a86', productIds: ['7522', '7523', '5523'], name: 'WCH CH340/CH341' },
  { vendorId: '067b', productIds: ['2303'], name: 'Prolific PL2303' },
];

/** The chip behind a vendor/product id pair (hex, any case, with or without 0x); null when not a known one. */
export function findUsbSerialChip(vendorId?: string, productId?: string): UsbSerialChip | null {
  const vendor = normaliseUsbId(vendorId);
  const product = normaliseUsbId(productId);
  const chip = USB_SERIAL_CHIPS.find((c) => c.vendorId === vendor);
  if (!chip) return null;
  return chip.productIds.length === 0 || (product !== undefined && chip.productIds.includes(product)) ? chip : null;
}

export function normaliseUsbId(id?: string): string | undefined {
  const hex = id?.trim().toLowerCase().replace(/^0x/, '');
  return hex && /^[0-9a-f]{1,4}$/.test(hex) ? hex.padStart(4, '0') : undefined;
}
