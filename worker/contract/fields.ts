/**
 * Small zod building blocks the contract's sections share. Not re-exported by index.ts: they
 * are how the schemas are written, not part of the API.
 */
import * as z from "zod";

export const text = (max: number) => z.string().trim().min(1).max(max);
export const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
export const isoDate = z.iso.date();
export const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour is #rrggbb");

/**
 * A query parameter that may be given empty: `?cursor=` (a script's first page, a cleared form
 * field) means the same as no parameter.
 */
export const param = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema);
