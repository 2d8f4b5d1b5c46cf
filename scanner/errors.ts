/** Thrown when a scan cannot judge the site: no config to compare with, a start page that does not load. */
export class ScanError extends Error {}
