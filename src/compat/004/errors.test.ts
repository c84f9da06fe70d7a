// How a domain refusal becomes seed 004's numeric code: the seed's own codes
// by the domain's, a route's failure code for what is not the caller's doing,
// 1006 for bad input, and 9 followed by the status for the rest.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialError } from '../../modules/credentials/index.ts';
import { otpError } from '../../modules/otp/index.ts';
import { commonError } from '../../platform/errors.ts';
import { SEED_CODES, SIGN_IN_AGAIN, seedCode, seedMessage } from './errors.ts';

describe('seed 004 error codes', () => {
  const deletion = { failureCode: SEED_CODES.userDeletionFailed };

  it('gives DELETE /users’ failures that are not the caller’s doing 3507', () => {
    for (const code of ['not_found', 'conflict', 'internal_error', 'service_unavailable'] as const)
      assert.equal(seedCode(commonError(code), deletion), 3507, code);
    // The caller's own doing keeps its code there too.
    assert.equal(seedCode(commonError('unauthenticated'), deletion), 9401);
    assert.equal(seedCode(credentialError('reauthentication_required'), deletion), SIGN_IN_AGAIN);
    assert.equal(seedCode(commonError('rate_limited'), deletion), 9429);
  });

  it('maps the seed’s own codes, bad input to 1006, and the rest to 9 followed by the status', () => {
    assert.equal(seedCode(otpError('invalid_code'), {}), 2002);
    assert.equal(seedCode(otpError('otp_expired'), {}), 2003);
    assert.equal(seedCode(otpError('oti_expired'), {}), 2008);
    assert.equal(seedCode(commonError('validation_failed'), {}), 1006);
    assert.equal(seedCode(commonError('not_found'), {}), 9404);
    assert.equal(seedCode(commonError('forbidden'), {}), 9403);
    assert.equal(seedCode(commonError('internal_error'), {}), 9500);
  });

  it('names fields by their seed names in the message', () => {
    const error = commonError('validation_failed', {
      errors: [
        { path: 'subject.id', message: 'is required' },
        { path: 'query.course_id', message: 'is too long' },
      ],
    });
    assert.equal(
      seedMessage(error, { fieldNames: { 'subject.id': 'content_id' } }),
      'Validation failed: content_id is required; course_id is too long',
    );
  });
});
