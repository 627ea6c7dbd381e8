/** The sticks and radio modes by name, without their code: what the config schema (also in the UI) needs. */
export const WMBUS_STICKS = ['im871a', 'amber', 'raw'] as const;
export type WmbusStick = (typeof WMBUS_STICKS)[number];
export const WMBUS_LINK_MODES = ['T1', 'C1', 'S1'] as const;
export type WmbusLinkMode = (typeof WMBUS_LINK_MODES)[number];
