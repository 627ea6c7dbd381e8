import { describe, expect, it } from 'vitest';
import { memberNumberTexts } from '../../../shared/sources/json.ts';

describe('number texts of one member', () => {
  it('gives the text of the numbers directly inside the member, nowhere else', () => {
    const text = '{"a":{"Pi":9.5},"z":{"Pi":0.120,"P1i":120,"n":{"Pi":7.0},"l":[1.5],"s":"1.0","e":-2E+3},"Pi":3.0}';
    expect(Object.fromEntries(memberNumberTexts(text, 'z'))).toEqual({ Pi: '0.120', P1i: '120', e: '-2E+3' });
  });

  it('copes with escapes, whitespace and a repeated key (the last wins, as in JSON.parse)', () => {
    const text = '{ "x\\"y" : 1 , "z" : { "P\\u0069" : 1.50 , "k\\\\" : 2 , "Pi" : 3 } }';
    expect(Object.fromEntries(memberNumberTexts(text, 'z'))).toEqual({ Pi: '3', 'k\\': '2' });
  });

  it('finds nothing when the member is absent or no object', () => {
    expect(memberNumberTexts('{"z":1.0}', 'z').size).toBe(0);
    expect(memberNumberTexts('[{"z":{"Pi":1.0}}]', 'z').size).toBe(0);
    expect(memberNumberTexts('{"y":{"Pi":1.0}}', 'z').size).toBe(0);
  });
});
