// Runs inside the hashing threads (see password-hasher.ts): one argon2id hash
// or verification per task, synchronously, since this thread does nothing else.
import { type Algorithm, hashSync, verifySync } from '@node-rs/argon2';

export type Argon2Task =
  | {
      readonly op: 'hash';
      readonly password: string;
      readonly memoryCost: number;
      readonly timeCost: number;
      readonly parallelism: number;
      readonly algorithm: Algorithm;
    }
  | { readonly op: 'verify'; readonly hash: string; readonly password: string };

export default function run(task: Argon2Task): string | boolean {
  if (task.op === 'verify') return verifySync(task.hash, task.password);
  const { op: _op, password, ...options } = task;
  return hashSync(password, options);
}
