// Packages that only some configurations need (pg for PostgreSQL, ioredis for
// REDIS_URL, nodemailer for SMTP_URL and the outbox's first message) or that
// wait for a first request of their kind (qrcode for a TOTP enrolment, piscina
// for a password hash) are required where they are first used, not imported
// at start-up: a default install then spends neither start-up time nor memory
// on them before it needs them. They are CommonJS, so a synchronous require
// keeps the factories that use them synchronous.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The package, loaded on the first call (Node caches it after that). */
export const loadOnUse = <T>(name: string): T => require(name) as T;
