export type { DopplerProvider as DopplerSpec } from "../../api/providers/doppler.js";
