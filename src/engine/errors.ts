// mongod reports failures as {ok: 0, errmsg, code, codeName}; the driver turns these into
// MongoServerError with the same fields, so codes and names must match mongod's exactly.
// https://github.com/mongodb/mongo/blob/master/src/mongo/base/error_codes.yml

const CODE_NAMES: Record<number, string> = {
  1: 'InternalError',
  2: 'BadValue',
  4: 'NoSuchKey',
  9: 'FailedToParse',
  11: 'UserNotFound',
  14: 'TypeMismatch',
  15: 'Overflow',
  17: 'ProtocolError',
  20: 'IllegalOperation',
  26: 'NamespaceNotFound',
  27: 'IndexNotFound',
  28: 'PathNotViable',
  40: 'ConflictingUpdateOperators',
  43: 'CursorNotFound',
  48: 'NamespaceExists',
  50: 'MaxTimeMSExpired',
  52: 'DollarPrefixedFieldName',
  59: 'CommandNotFound',
  66: 'ImmutableField',
  67: 'CannotCreateIndex',
  72: 'InvalidOptions',
  73: 'InvalidNamespace',
  85: 'IndexOptionsConflict',
  86: 'IndexKeySpecsConflict',
  96: 'OperationFailed',
  115: 'CommandNotSupported',
  121: 'DocumentValidationFailure',
  146: 'ExceededMemoryLimit',
  166: 'CommandNotSupportedOnView',
  171: 'CannotIndexParallelArrays',
  197: 'InvalidIndexSpecificationOption',
  263: 'OperationNotSupportedInTransaction',
  292: 'QueryExceededMemoryLimitNoDiskUseAllowed',
  10334: 'BSONObjectTooLarge',
  11000: 'DuplicateKey',
  13297: 'DatabaseDifferCase',
  // Replica sets, sessions and transactions.
  64: 'WriteConcernFailed',
  100: 'UnsatisfiableWriteConcern',
  112: 'WriteConflict',
  189: 'PrimarySteppedDown',
  225: 'TransactionTooOld',
  251: 'NoSuchTransaction',
  256: 'TransactionCommitted',
  280: 'ChangeStreamFatalError',
  286: 'ChangeStreamHistoryLost',
  290: 'TransactionExceededLifetimeLimitSeconds',
  10107: 'NotWritablePrimary',
  13435: 'NotPrimaryNoSecondaryOk',
  6: 'HostUnreachable',
  7: 'HostNotFound',
  24: 'LockTimeout',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  134: 'ReadConcernMajorityNotAvailableYet',
  239: 'SnapshotTooOld',
  246: 'SnapshotUnavailable',
  262: 'ExceededTimeLimit',
  267: 'PreparedTransactionInProgress',
  9001: 'SocketException',
  11600: 'InterruptedAtShutdown',
  11601: 'Interrupted',
  11602: 'InterruptedDueToReplStateChange',
  13436: 'NotPrimaryOrSecondary',
};

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? 'Location' + String(code);
}

export class CommandError extends Error {
  readonly code: number;
  readonly extra: Record<string, unknown>;

  constructor(code: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.extra = extra;
  }

  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: codeName(this.code), ...this.extra };
  }

  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export function badValue(message: string): CommandError {
  return new CommandError(2, message);
}

export function failedToParse(message: string): CommandError {
  return new CommandError(9, message);
}

export function typeMismatch(message: string): CommandError {
  return new CommandError(14, message);
}

/**
 * mongod wraps errors raised while a plan runs (time limit, memory limit) with the command that
 * ran it: "Executor error during find command :: caused by :: operation exceeded time limit".
 */
export function executorError(error: unknown, context: string): unknown {
  if (!(error instanceof CommandError) || (error.code !== 50 && error.code !== 292)) return error;
  return new CommandError(error.code, `${context} :: caused by :: ${error.message}`, error.extra);
}
