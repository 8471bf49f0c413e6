// The doctor's one coded error: everything else it finds is a Finding, not an exception.

export type DoctorErrorCode = 'ERR_DOCTOR_CREDENTIALS';

/** clouds.yaml or the cloud named in it is wrong; the message says which and where. */
export class CredentialsError extends Error {
  static readonly code: DoctorErrorCode = 'ERR_DOCTOR_CREDENTIALS';
  readonly code = CredentialsError.code;

  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}
