// Reading a MongoDB connection string well enough to print it safely and to say what is wrong
// with it, before any driver sees it. Nothing here may ever print a password, not even part of
// one: a password with an unescaped "@" or "/" confuses every parser, so the credentials are taken
// to run up to the LAST "@" (the host always comes after it), which over-masks rather than leaks.

const schemePattern = /^[a-z][a-z0-9+.-]*:\/\//i;
const mongoSchemePattern = /^mongodb(\+srv)?:\/\//i;

interface UriParts {
  /** e.g. "mongodb://", or '' when there is none */
  scheme: string;
  /** Everything between the scheme and the last "@", undefined when there is no "@". */
  credentials: string | undefined;
  /** Everything after the credentials: hosts, then /database?options. */
  rest: string;
}

function splitUri(uri: string): UriParts {
  const scheme = schemePattern.exec(uri)?.[0] ?? '';
  const body = uri.slice(scheme.length);
  const at = body.lastIndexOf('@');
  if (at < 0) return { scheme, credentials: undefined, rest: body };
  return { scheme, credentials: body.slice(0, at), rest: body.slice(at + 1) };
}

/** Hides the user name and password of a connection string (mongodb://, mongodb+srv://, redis://, …). */
export function maskUri(uri: string): string {
  const { scheme, credentials, rest } = splitUri(uri);
  if (credentials === undefined) return uri;
  return `${scheme}${credentials.includes(':') ? '***:***' : '***'}@${rest}`;
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Removes every trace of `uri`'s credentials from a message (a driver's or the OS's reason text):
 * URIs inside it are masked, and the credentials and the password, as written and decoded, are
 * replaced wherever they appear.
 */
export function scrubSecrets(text: string, uri: string): string {
  let scrubbed = text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, (found) => maskUri(found));
  const { credentials } = splitUri(uri);
  if (credentials === undefined) return scrubbed;
  const colon = credentials.indexOf(':');
  const password = colon < 0 ? '' : credentials.slice(colon + 1);
  const secrets = [credentials, password, decoded(password) ?? '']
    .filter((secret) => secret !== '')
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) scrubbed = scrubbed.replaceAll(secret, '***');
  return scrubbed;
}

export interface UriProblem {
  /** What is wrong, in words that name no secret. */
  problem: string;
  hint: string;
}

const fallbackHint = 'or unset MONGODB_URI (or pass --engine embedded) to use the built-in engine.';
const shape = 'mongodb://[user:password@]host[:port][,host2…]/[database][?options]';

/** Characters the connection-string spec requires to be percent-encoded in a user name or password. */
const reservedInCredentials = ['@', '/', '?', '#', '[', ']'];

function hostProblem(host: string, srv: boolean): string | undefined {
  const ipv6 = /^\[[0-9a-f:.]+\](?::(\d+))?$/i.exec(host);
  const named = /^[a-z0-9._%-]+(?::(\d+))?$/i.exec(host);
  const match = ipv6 ?? named;
  if (!match) return `"${host}" is not host[:port]`;
  const port = match[1];
  if (port !== undefined) {
    if (srv) return 'a mongodb+srv:// host takes no port';
    const number = Number(port);
    if (!Number.isInteger(number) || number < 1 || number > 65_535) return `port ${port} is not between 1 and 65535`;
  }
  return undefined;
}

/** What makes `uri` unusable as a MongoDB connection string, or undefined when it looks well formed. */
export function uriProblem(uri: string): UriProblem | undefined {
  const scheme = mongoSchemePattern.exec(uri);
  if (!scheme) {
    return {
      problem: 'it does not start with mongodb:// or mongodb+srv://',
      hint: `A connection string looks like ${shape}; ${fallbackHint}`,
    };
  }
  const srv = scheme[1] !== undefined;
  const { credentials, rest } = splitUri(uri);
  if (credentials !== undefined) {
    const unescaped = reservedInCredentials.filter((char) => credentials.includes(char));
    if ((credentials.match(/:/g)?.length ?? 0) > 1) unescaped.push(':');
    if (unescaped.length > 0) {
      return {
        problem: `the user name or password contains an unescaped ${unescaped.map((char) => `"${char}"`).join(', ')}`,
        hint: `Percent-encode these characters in the user name and password (@ is %40, / is %2F, : is %3A, ? is %3F, # is %23); ${fallbackHint}`,
      };
    }
    if (credentials === '' || decoded(credentials) === undefined) {
      return {
        problem: credentials === '' ? 'there is an "@" but no user name before it' : 'the user name or password has a "%" that starts no valid %XX escape',
        hint: `Write the credentials as user:password, percent-encoded; ${fallbackHint}`,
      };
    }
  }
  const hostList = /^[^/?]*/.exec(rest)?.[0] ?? '';
  if (hostList === '') return { problem: 'it names no host', hint: `A connection string looks like ${shape}; ${fallbackHint}` };
  const hosts = hostList.split(',');
  if (srv && hosts.length > 1) return { problem: 'a mongodb+srv:// string names exactly one host', hint: `Name the cluster's DNS name once; ${fallbackHint}` };
  for (const host of hosts) {
    const problem = hostProblem(host, srv);
    if (problem) return { problem, hint: `A connection string looks like ${shape}; ${fallbackHint}` };
  }
  return undefined;
}

/** host:port pairs of a well-formed mongodb:// URI (not +srv, whose hosts come from DNS). */
export function seedHosts(uri: string): Array<{ host: string; port: number }> {
  if (!/^mongodb:\/\//i.test(uri)) return [];
  const hostList = /^[^/?]*/.exec(splitUri(uri).rest)?.[0] ?? '';
  if (hostList === '') return [];
  return hostList.split(',').map((entry) => {
    const ipv6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (ipv6) return { host: ipv6[1]!, port: Number(ipv6[2] ?? 27017) };
    const [host = '', port] = entry.split(':');
    return { host, port: Number(port ?? 27017) };
  });
}
