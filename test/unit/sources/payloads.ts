/** Test payloads written from the documented gateway formats (gPlug scripts, smartmeter-datacollector, RL-DSP). */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * A newer gPlug script (E450): the periodic bundle with every field, printed as Tasmota prints them (each field with
 * its script decimals, so 0 kW is "0.000" and 0.2 kW is "0.200").
 */
export const GPLUG_BUNDLE_KW =
  '{"Time":"2024-05-01T12:00:05","z":{"SMid":"71234567","Pi":0.412,"Po":0.000,"Pi1":0.120,"Pi2":0.200,"Pi3":0.092,' +
  '"Po1":0.000,"Po2":0.000,"Po3":0.000,"U1":231.2,"U2":230.9,"U3":232.4,"I1":0.52,"I2":0.87,"I3":0.40,' +
  '"Ei":12345.678,"Ei1":8000.500,"Ei2":4345.178,"Eo":321.250,"Eo1":300.000,"Eo2":21.250,' +
  '"Q5":100.500,"Q6":1.250,"Q7":2.500,"Q8":50.750,"Q51":60.500,"Q52":40.000}}';

/** The one-field message Tasmota sends as soon as a field with precision >= 16 changes. */
export const GPLUG_IMMEDIATE = '{"Time":"2024-05-01T12:00:07","z":{"Pi":0.398}}';

/** An older script (L+G E360, P1): powers in W without decimals, phase powers named P1i/P1o, voltages V1..V3. */
export const GPLUG_BUNDLE_W =
  '{"Time":"2024-05-01T12:00:05","z":{"SMid":"LGZ1030653520967","Pi":412,"Po":0,"P1i":120,"P2i":200,"P3i":92,' +
  '"P1o":0,"P2o":0,"P3o":0,"V1":231,"V2":231,"V3":232,"I1":0.52,"I2":0.87,"I3":0.4,"Ei1":8000.5,"Ei2":4345.178,' +
  '"Eo1":300,"Eo2":21.25}}';

export const datacollectorValue = (value: number, timestamp: number): string => JSON.stringify({ value, timestamp });

export const RL_DSP_BUNDLE =
  '{"meter":{"ts":"2024-05-01T10:00:05+00:00","1.7.0":412.0,"2.7.0":0,"1.8.0":12345678.0,"2.8.0":321250.0,"32.7.0":231.2,"31.7.0":0.52}}';
