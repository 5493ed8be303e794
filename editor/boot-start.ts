import { api } from './api.ts';
import { readLastStrategy, startBoot } from './boot.ts';

/**
 * The first page load's requests, sent as this module evaluates. main.tsx imports it before anything
 * else, so they are on the wire while React, the canvas and the app evaluate (see `startBoot`).
 */
export const bootRequests = startBoot(api, readLastStrategy());
