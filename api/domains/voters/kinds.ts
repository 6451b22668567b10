/** Entry kinds of voter versions, `domain.entity.event` (ledger/verifier/voters lists the same). */
import type { VoterChange } from './schemas.ts';

export const VOTER_KINDS: Record<VoterChange, string> = {
  registered: 'voters.voter.registered',
  promoted: 'voters.voter.promoted',
  transferred: 'voters.voter.transferred',
  assigned: 'voters.voter.assigned',
  removed: 'voters.voter.removed',
  erased: 'voters.voter.erased',
};

export const EXPORT_KIND = 'voters.export.performed';
