import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, getPriority } from 'node:os';
import { describe, test } from 'node:test';
import { type Algorithm, hash as argon2Hash } from '@node-rs/argon2';
import { DomainError } from '../domain-error.ts';
import {
  createPasswordHasher,
  HASHING_NICE_INCREMENT,
  owaspArgon2idParams,
  type PasswordHashParams,
  parsePasswordHash,
} from './password-hasher.ts';

/** A thread's nice value: field 19 of /proc/self/task/<tid>/stat, counted after the command's closing bracket. */
const niceOf = (tid: number): number => {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};

// Cheap parameters for tests that are not about the parameters themselves.
const cheap: PasswordHashParams = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('createPasswordHasher', () => {
  test('uses argon2id with the OWASP parameters by default', async () => {
    assert.deepEqual({ ...owaspArgon2idParams }, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const hash = await createPasswordHasher().hash('correct horse battery staple');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.deepEqual(parsePasswordHash(hash), {
      algorithm: 'argon2id',
      version: 19,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
  });

  test('verifies the right password and rejects a wrong one', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('correct horse battery staple');
    assert.deepEqual(await hasher.verify(hash, 'correct horse battery staple'), {
      ok: true,
      needsRehash: false,
    });
    assert.deepEqual(await hasher.verify(hash, 'Correct horse battery staple'), {
      ok: false,
      needsRehash: false,
    });
    assert.deepEqual(await hasher.verify(hash, ''), { ok: false, needsRehash: false });
  });

  test('salts: the same password hashes differently each time', async () => {
    const hasher = createPasswordHasher({ params: cheap });
    assert.notEqual(await hasher.hash('same password'), await hasher.hash('same password'));
  });

  test('treats composed and decomposed Unicode as the same password (NFC)', async () => {
    const hasher = createPasswordHasher({ params: cheap });
    const composed = 'caf\u00e9 crème'; // é as one code point
    const decomposed = 'cafe\u0301 cre\u0300me'; // e + combining accents
    assert.notEqual(composed, decomposed);
    assert.equal((await hasher.verify(await hasher.hash(composed), decomposed)).ok, true);
    assert.equal((await hasher.verify(await hasher.hash(decomposed), composed)).ok, true);
    // verify normalises too: a hash of the raw decomposed bytes, made elsewhere, does not match.
    const raw = await argon2Hash(decomposed, cheap);
    assert.equal((await hasher.verify(raw, decomposed)).ok, false);
  });

  test('asks for a rehash when the stored parameters or algorithm differ', async () => {
    const hasher = createPasswordHasher();
    const password = 'a fine password';
    // Each parameter on its own triggers a rehash.
    for (const change of [{ memoryCost: 4096 }, { timeCost: 3 }, { parallelism: 2 }]) {
      const other = await argon2Hash(password, { ...owaspArgon2idParams, ...change });
      assert.deepEqual(await hasher.verify(other, password), { ok: true, needsRehash: true }, other);
    }
    const weaker = await argon2Hash(password, { ...owaspArgon2idParams, memoryCost: 4096 });
    const argon2i = await argon2Hash(password, { ...owaspArgon2idParams, algorithm: 1 as Algorithm });
    assert.match(argon2i, /^\$argon2i\$/);
    assert.deepEqual(await hasher.verify(argon2i, password), { ok: true, needsRehash: true });
    // A wrong password never asks for a rehash: there is nothing to rehash with.
    assert.deepEqual(await hasher.verify(weaker, 'wrong'), { ok: false, needsRehash: false });
    // The cheap hasher sees an OWASP hash as "different" too: the check is equality, not strength.
    const owasp = await hasher.hash(password);
    assert.deepEqual(await createPasswordHasher({ params: cheap }).verify(owasp, password), {
      ok: true,
      needsRehash: true,
    });
  });

  test('refuses a stored value that is not an argon2 PHC string', async () => {
    const hasher = createPasswordHasher({ params: cheap });
    const bcrypt = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
    await assert.rejects(hasher.verify(bcrypt, 'x'), /not an argon2 PHC string/);
    await assert.rejects(hasher.verify('', 'x'), /not an argon2 PHC string/);
  });

  // No timing comparison (noisy on a busy machine): what makes the cost equal is
  // checked directly. A dummy verify is an argon2 verify of a hash made with the
  // hasher's own parameters, so it costs what a failed real verify costs.
  test('verifyDummy does the work of a real verify: argon2 with the current parameters, every time', async () => {
    // Parameters argon2 refuses make verifyDummy fail exactly as hash does: the dummy hash
    // is made with them (a fixed or cheap dummy, or none, would resolve).
    const refused = createPasswordHasher({ params: { memoryCost: 1, timeCost: 1, parallelism: 1 } });
    await assert.rejects(refused.hash('x'), /Memory cost is too small/);
    await assert.rejects(refused.verifyDummy('x'), /Memory cost is too small/);

    // Once the dummy hash exists, each call is still argon2 work that needs a slot of the
    // queue: with the only slot taken it is refused, not answered for free.
    const hasher = createPasswordHasher({ params: cheap, maxConcurrent: 1, maxQueued: 0 });
    await hasher.verifyDummy('warm-up'); // computes the dummy hash once
    await hasher.verifyDummy('guess');
    const occupied = hasher.hash('occupies the only slot');
    await assert.rejects(
      hasher.verifyDummy('guess'),
      (error) => error instanceof DomainError && error.code === 'server_busy',
    );
    await occupied;
  });

  test('verifyDummy goes through the queue like any verify', async () => {
    const hasher = createPasswordHasher({ params: cheap, maxConcurrent: 1, maxQueued: 0 });
    const first = hasher.hash('occupies the only slot');
    await assert.rejects(hasher.verifyDummy('x'), (error) => error instanceof DomainError);
    await first;
    await hasher.verifyDummy('x'); // and recovers once the queue drains
  });

  test('sheds load: beyond maxConcurrent + maxQueued it rejects with server_busy at once', async () => {
    const hasher = createPasswordHasher({ maxConcurrent: 1, maxQueued: 1 });
    const finished: string[] = [];
    const first = hasher.hash('first').then((hash) => {
      finished.push('first');
      return hash;
    });
    const second = hasher.hash('second').then((hash) => {
      finished.push('second');
      return hash;
    });
    assert.deepEqual(hasher.stats(), { running: 1, queued: 1, maxConcurrent: 1, maxQueued: 1 });

    await assert.rejects(hasher.hash('third'), (error) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, 'server_busy');
      assert.equal(error.kind, 'unavailable');
      assert.equal(error.retryAfter, 1);
      return true;
    });
    // Rejected while the first hash (~20 ms) was still running, not after waiting for a slot.
    assert.deepEqual(finished, []);
    assert.equal(hasher.stats().running, 1);

    // The earlier work still completes, in order, and the hashes are usable.
    const [firstHash, secondHash] = await Promise.all([first, second]);
    assert.deepEqual(finished, ['first', 'second']);
    assert.equal((await hasher.verify(firstHash, 'first')).ok, true);
    assert.equal((await hasher.verify(secondHash, 'second')).ok, true);
    assert.deepEqual(hasher.stats(), { running: 0, queued: 0, maxConcurrent: 1, maxQueued: 1 });
  });

  test('never runs more than maxConcurrent at once', async () => {
    const hasher = createPasswordHasher({ params: cheap, maxConcurrent: 2, maxQueued: 10 });
    let peak = 0;
    const work = Array.from({ length: 12 }, (_, i) => {
      const pending = hasher.hash(`password ${i}`);
      peak = Math.max(peak, hasher.stats().running);
      return pending;
    });
    assert.equal(hasher.stats().queued, 10);
    const sample = setInterval(() => {
      peak = Math.max(peak, hasher.stats().running);
    }, 0);
    await Promise.all(work);
    clearInterval(sample);
    assert.equal(peak, 2);
  });

  test('has sane default limits: one hash in flight per core and one spare, 32 waiting per slot', () => {
    const { maxConcurrent, maxQueued } = createPasswordHasher().stats();
    assert.equal(maxConcurrent, availableParallelism() + 1);
    assert.equal(maxQueued, 32 * maxConcurrent);
  });

  test('hashes on threads of their own at a lower priority, leaving the event loop at the process priority', {
    skip: process.platform !== 'linux' && 'thread priorities are read from /proc (Linux)',
  }, async () => {
    const hasher = createPasswordHasher({ params: cheap });
    await Promise.all([hasher.hash('one'), hasher.hash('two')]);
    const mainNice = niceOf(process.pid);
    const others = readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => tid !== process.pid);
    const lowered = others.filter((tid) => niceOf(tid) === Math.min(19, mainNice + HASHING_NICE_INCREMENT));
    assert.ok(lowered.length >= 1, 'a hashing thread runs at the lowered priority');
    assert.equal(niceOf(process.pid), mainNice, 'the event loop keeps its priority');
    assert.equal(getPriority(), mainNice);
  });
});
