import { defineGroup } from '../group.ts';
import { intOpt } from '../opts.ts';

export const oauth1Group = defineGroup('oauth1', {
  help: 'OS-OAUTH1: delegation to consumers through request and access tokens.',
  options: {
    request_token_duration: intOpt({
      default: 28800,
      min: 0,
      help: 'Seconds a request token stays valid for authorizing and exchanging; 0 means it never expires.',
    }),
    access_token_duration: intOpt({
      default: 86400,
      min: 0,
      help: 'Seconds an access token can be used to get tokens; 0 means it never expires.',
    }),
  },
});
