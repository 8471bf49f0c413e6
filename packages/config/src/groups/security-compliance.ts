import { defineGroup } from '../group.ts';
import { boolOpt, intOpt, strOpt } from '../opts.ts';

export const securityComplianceGroup = defineGroup('security_compliance', {
  help:
    "Password and account rules for local users (Keystone's PCI-DSS options). Baton does not " +
    'support disable_user_account_days_inactive.',
  options: {
    lockout_failure_attempts: intOpt({
      default: null,
      min: 1,
      help:
        'Wrong passwords in a row after which the account is locked (authentication and password ' +
        'changes answer 401 "The account is locked"). Unset means accounts never lock.',
    }),
    lockout_duration: intOpt({
      default: 1800,
      min: 1,
      help:
        'Seconds an account stays locked after its last wrong password; the next attempt after that ' +
        'starts counting again. Only used with lockout_failure_attempts.',
    }),
    password_expires_days: intOpt({
      default: null,
      min: 1,
      help:
        'Days a newly set password is valid; after that password authentication answers 401 until ' +
        'the user changes it (POST /v3/users/{user_id}/password still works). Unset means passwords ' +
        'never expire. Passwords set earlier keep the expiry they had.',
    }),
    password_regex: strOpt({
      default: null,
      help:
        'Regular expression every new password must match from its start (as Python re.match does); ' +
        'refused passwords get 400. JavaScript syntax, checked at start-up. Unset accepts any password.',
    }),
    password_regex_description: strOpt({
      default: null,
      help: 'Plain-language description of password_regex, put into the 400 answer for a refused password.',
    }),
    change_password_upon_first_use: boolOpt({
      default: false,
      help:
        'A password set by an administrator (user create, or an update that sets the password) is ' +
        'expired at once, so the user must change it through POST /v3/users/{user_id}/password ' +
        'before a password authentication succeeds.',
    }),
    unique_last_password_count: intOpt({
      default: 0,
      min: 0,
      help:
        'How many passwords, the new one included, must all differ: a self-service change ' +
        '(POST /v3/users/{user_id}/password) to the current password or one of the count - 1 before it ' +
        'answers 400. Earlier passwords are kept as their hashes. 0 turns the check off; an ' +
        "administrator's reset is not checked, as in Keystone.",
    }),
    minimum_password_age: intOpt({
      default: 0,
      min: 0,
      help:
        'Days a password its user set must be kept before the user may change it again (400 until ' +
        "then). An administrator's reset is not bound by it, and a password an administrator set can be " +
        'changed at once. Keep it below password_expires_days. 0 allows changes at any time.',
    }),
    allow_insecure_application_credential_trust_escalation: boolOpt({
      default: false,
      deprecatedSince: '2026.1',
      deprecatedReason:
        'Workflows where application credentials create trusts should move to OIDC federation flows; ' +
        'Keystone will remove this option.',
      help:
        'INSECURE: let tokens got with an application credential (restricted ones too) create, list, ' +
        'read and delete trusts. Off, they get 403 on every trust call: a trust made from such a ' +
        'token would start a delegation outside its chain (its trust-scoped tokens reach EC2 ' +
        'credentials). Turn it on only for workflows that need it, such as Heat stacks ' +
        'authenticated with an application credential. EC2 and OAuth1 tokens stay refused.',
    }),
  },
});
