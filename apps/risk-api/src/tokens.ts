export const API_SETTINGS = Symbol('API_SETTINGS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const EXPOSURE_PROJECTION = Symbol('EXPOSURE_PROJECTION');
