import { defineGroup } from '../group.ts';
import { intOpt, strOpt } from '../opts.ts';

export const fernetTokensGroup = defineGroup('fernet_tokens', {
  help: 'The Fernet key repository that encrypts and decrypts tokens.',
  options: {
    key_repository: strOpt({
      default: '$state_path/fernet-keys',
      help:
        'Directory of Fernet keys, one file per key named by its index. Key 0 is the staged key ' +
        '(validates only and becomes primary at the next rotation), the highest index is the primary ' +
        'key (encrypts new tokens) and the rest are secondary keys that validate tokens issued before ' +
        'a rotation. All nodes need the same keys, except that the staged key may differ until the ' +
        'next rotation is copied out. Create it with `baton manage fernet-setup`, rotate it with ' +
        '`baton manage fernet-rotate`.',
    }),
    max_active_keys: intOpt({
      default: 3,
      min: 1,
      help:
        'Number of keys a rotation keeps, counting the staged and primary keys. With 3, one ' +
        'secondary key survives; raise it to keep validating older tokens across more rotations.',
    }),
  },
});
