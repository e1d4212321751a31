/**
 * The value domains positions and headings are quantized over on the wire.
 * A 16-bit field costs 2 bytes where a float32 costs 4; both peers only ever
 * read the snapped value, so a predicting client and the server agree on it.
 * Content validation keeps every district inside these domains.
 */

/**
 * x and y lie in [0, WORLD_EXTENT]: 65,535 steps of exactly 1/8 of a world
 * unit (districts are 1,000–4,000 units on a side), so whole and eighth
 * coordinates — a GM's teleport, a hardline — arrive exactly as written.
 */
export const WORLD_EXTENT = 65535 / 8;

/** z lies in [-ALTITUDE_EXTENT, ALTITUDE_EXTENT): steps of exactly 1/16 of a unit, 0 exact. */
export const ALTITUDE_EXTENT = 2048;

export const POSITION_XY = { quantized: { min: 0, max: WORLD_EXTENT, bits: 16 as const } };
export const POSITION_Z = {
  quantized: { min: -ALTITUDE_EXTENT, max: ALTITUDE_EXTENT - 1 / 16, bits: 16 as const },
};
/** Headings are radians in [0, 2π), wrapping (a 16-bit step is about 0.0055°). */
export const HEADING = { quantized: { min: 0, max: Math.PI * 2, bits: 16 as const, mode: "wrap" as const } };
