// STOMP 1.2 frames over a WebSocket (text messages), the subset a console needs.
// Header values are escaped (\\ \n \r \c) in every frame except CONNECT and CONNECTED.

const NUL = '\u0000';

function escapes(command) {
  return command !== 'CONNECT' && command !== 'CONNECTED';
}

function escapeValue(text) {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/:/g, '\\c');
}

function unescapeValue(text) {
  return text.replace(/\\(.)/g, (match, c) => {
    switch (c) {
      case '\\': return '\\';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'c': return ':';
      default: throw new Error(`undefined escape sequence \\${c}`);
    }
  });
}

/** One frame as text. @param {Object<string,string>} headers in the order given */
export function encodeFrame(command, headers = {}, body = '') {
  const escape = escapes(command);
  let out = command + '\n';
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) {
      continue;
    }
    const v = String(value);
    out += (escape ? escapeValue(name) : name) + ':' + (escape ? escapeValue(v) : v) + '\n';
  }
  return out + '\n' + body + NUL;
}

/**
 * Every frame in one WebSocket text message (bare line ends between frames are heart-beats).
 * The first occurrence of a repeated header wins, as STOMP 1.2 says. A content-length header is
 * honoured (it counts UTF-8 bytes).
 * @returns {{command: string, headers: Object<string,string>, body: string}[]}
 */
export function decodeFrames(text) {
  const frames = [];
  let i = 0;
  while (true) {
    while (i < text.length && (text[i] === '\n' || text[i] === '\r')) {
      i++;
    }
    if (i >= text.length) {
      return frames;
    }
    const [frame, next] = decodeOne(text, i);
    frames.push(frame);
    i = next;
  }
}

function readLine(text, start) {
  const end = text.indexOf('\n', start);
  if (end < 0) {
    throw new Error('frame ends inside its headers');
  }
  const line = text.slice(start, end);
  return [line.endsWith('\r') ? line.slice(0, -1) : line, end + 1];
}

function decodeOne(text, start) {
  let [command, i] = readLine(text, start);
  if (!/^[A-Z]+$/.test(command)) {
    throw new Error('a frame must start with a command in capital letters');
  }
  const escaped = escapes(command);
  const headers = {};
  while (true) {
    let line;
    [line, i] = readLine(text, i);
    if (line === '') {
      break;
    }
    const colon = line.indexOf(':');
    if (colon < 0) {
      throw new Error(`header line without a colon in ${command}`);
    }
    const name = escaped ? unescapeValue(line.slice(0, colon)) : line.slice(0, colon);
    const value = escaped ? unescapeValue(line.slice(colon + 1)) : line.slice(colon + 1);
    if (!(name in headers)) {
      headers[name] = value;
    }
  }
  let body;
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (!Number.isInteger(length) || length < 0) {
      throw new Error('content-length must be a non-negative integer');
    }
    const bytes = new TextEncoder().encode(text.slice(i));
    if (bytes.length < length + 1 || bytes[length] !== 0) {
      throw new Error('frame body shorter than its content-length or not NUL-terminated');
    }
    body = new TextDecoder().decode(bytes.slice(0, length));
    i += body.length + 1;
  } else {
    const end = text.indexOf(NUL, i);
    if (end < 0) {
      throw new Error('frame without its terminating NUL');
    }
    body = text.slice(i, end);
    i = end + 1;
  }
  return [{ command, headers, body }, i];
}

/**
 * One STOMP session on one replica. Callbacks: onConnected(headers), onMessage(frame),
 * onReceipt(id), onError(frame), onClose(event). The session ends on ERROR (STOMP 1.2).
 */
export class StompSession {
  constructor(url, connectHeaders, callbacks) {
    this.url = url;
    this.connectHeaders = connectHeaders;
    this.callbacks = callbacks;
    this.socket = null;
    this.connected = false;
  }

  open() {
    // no subprotocol requested: a server that picks none would otherwise fail the handshake
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(encodeFrame('CONNECT', { 'accept-version': '1.2', host: new URL(this.url).host,
        'heart-beat': '0,0', ...this.connectHeaders }));
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') {
        return;
      }
      let frames;
      try {
        frames = decodeFrames(message.data);
      } catch (e) {
        this.callbacks.onError?.({ command: 'ERROR', headers: { message: 'unreadable frame: ' + e.message }, body: '' });
        this.close();
        return;
      }
      for (const frame of frames) {
        this.dispatch(frame);
      }
    };
    socket.onclose = (event) => {
      this.connected = false;
      this.callbacks.onClose?.(event);
    };
  }

  dispatch(frame) {
    switch (frame.command) {
      case 'CONNECTED':
        this.connected = true;
        this.callbacks.onConnected?.(frame.headers);
        break;
      case 'MESSAGE':
        this.callbacks.onMessage?.(frame);
        break;
      case 'RECEIPT':
        this.callbacks.onReceipt?.(frame.headers['receipt-id']);
        break;
      case 'ERROR':
        this.callbacks.onError?.(frame);
        break;
      default:
        break;
    }
  }

  send(command, headers, body = '') {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(encodeFrame(command, headers, body));
    }
  }

  subscribe(id, destination, extraHeaders = {}) {
    this.send('SUBSCRIBE', { id, destination, ack: 'auto', ...extraHeaders });
  }

  close() {
    if (this.socket) {
      if (this.connected) {
        this.send('DISCONNECT', {});
      }
      this.connected = false;
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
  }
}
