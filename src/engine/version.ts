// The MongoDB release the engine answers as. Wire version 21 is MongoDB 7.0: drivers shape
// commands by it, and driver 7 refuses servers below wire version 9.
export const ENGINE_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21;
export const MIN_WIRE_VERSION = 0;
