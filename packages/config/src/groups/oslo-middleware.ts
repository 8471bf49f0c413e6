import { defineGroup } from '../group.ts';
import { intOpt } from '../opts.ts';

export const osloMiddlewareGroup = defineGroup('oslo_middleware', {
  help: 'HTTP request limits (the options of oslo.middleware that Baton honours).',
  options: {
    max_request_body_size: intOpt({
      default: 114688,
      deprecatedName: 'osapi_max_request_body_size',
      deprecatedGroup: 'DEFAULT',
      help: 'Largest request body accepted, in bytes; a larger request is refused with 413.',
    }),
  },
});
