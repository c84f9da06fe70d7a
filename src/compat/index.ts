// The compatibility surfaces, one per seed API with documented paths, and the
// ones ROSTER_COMPAT turns on. A seed listed in COMPAT_SURFACES without a
// surface here yet is simply not served.
import type { Config } from '../config/load-config.ts';
import { seed001 } from './001/index.ts';
import { seed002 } from './002/index.ts';
import { seed003 } from './003/index.ts';
import { seed004 } from './004/index.ts';
import type { Surface } from './surface.ts';

export { mountSurface, type Surface, type SurfaceDeps } from './surface.ts';

const SURFACES: readonly Surface[] = [seed001, seed002, seed003, seed004];

/** The surfaces the configuration mounts, in seed order. */
export const enabledSurfaces = (config: Pick<Config, 'compat'>): readonly Surface[] =>
  SURFACES.filter((s) => config.compat.includes(s.id));
