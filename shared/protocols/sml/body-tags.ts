/** SML 1.04 message body tags (the choice in SML_MessageBody) this decoder reads; others are skipped. */
export const OPEN_RESPONSE = 0x0101;
export const CLOSE_RESPONSE = 0x0201;
export const GET_LIST_RESPONSE = 0x0701;
