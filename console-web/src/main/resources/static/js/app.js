// The dashboard's page logic: sign-in, the channel list and admin, and the live view of a channel.
import { ApiError, GatewayApi } from './api.js';
import { Charts } from './chart.js';
import { ConsoleTokens, LiveChannel } from './live.js';

const STORAGE_KEY_ID = 'fitmon.keyId';
const STORAGE_SECRET = 'fitmon.secret';
const MAX_ROWS = 500;
const CHANNEL_REFRESH_MS = 10000;

const $ = id => document.getElementById(id);

const state = { api: null, tokens: null, cluster: null, live: null, channelTimer: null };

function el(tag, attributes = {}, text) {
  const element = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k.startsWith('data-')) {
      element.setAttribute(k, String(v));
    } else {
      element[k] = v;
    }
  }
  if (text !== undefined) {
    element.textContent = text; // never innerHTML: event data comes from probes and replicas
  }
  return element;
}

function describe(error) {
  if (error instanceof ApiError) {
    return `${error.status ? error.status + ' ' : ''}${error.code ? error.code + ': ' : ''}${error.message}`;
  }
  return String(error?.message || error);
}

function show(view) {
  for (const id of ['signin-view', 'channels-view', 'live-view']) {
    $(id).hidden = id !== view;
  }
  $('session').hidden = view === 'signin-view';
  document.body.dataset.view = view;
}

// ---- sign-in ----

async function signIn(keyId, secret, remember) {
  const api = await GatewayApi.signIn(keyId, secret);
  await api.channels(); // proves key and secret before anything is kept
  state.api = api;
  state.tokens = new ConsoleTokens(api);
  state.cluster = await api.cluster();
  if (remember) {
    sessionStorage.setItem(STORAGE_KEY_ID, keyId);
    sessionStorage.setItem(STORAGE_SECRET, secret);
  }
  $('who').textContent = keyId;
  $('who').dataset.keyId = keyId;
  try {
    await state.tokens.current();
    $('token-status').textContent = `Console token valid until ${new Date(state.tokens.expiresAt).toLocaleTimeString()}.`;
    $('token-status').dataset.token = 'ok';
  } catch (e) {
    $('token-status').textContent = `No console token, so no live view: ${describe(e)}`;
    $('token-status').dataset.token = 'none';
  }
}

function signOut() {
  sessionStorage.removeItem(STORAGE_KEY_ID);
  sessionStorage.removeItem(STORAGE_SECRET);
  stopLive();
  clearInterval(state.channelTimer);
  state.api = null;
  state.tokens = null;
  $('channel-rows').replaceChildren();
  delete $('channels').dataset.loaded;
  navigate('#/signin');
}

/** Goes to a view; the hashchange listener routes, unless the hash is already there. */
function navigate(hash) {
  if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

$('signin-form').addEventListener('submit', async event => {
  event.preventDefault();
  $('signin-error').textContent = '';
  $('signin-submit').disabled = true;
  try {
    await signIn($('signin-key-id').value.trim(), $('signin-secret').value, true);
    $('signin-secret').value = '';
    navigate('#/channels');
  } catch (e) {
    $('signin-error').textContent = `Sign-in failed: ${describe(e)}`;
  } finally {
    $('signin-submit').disabled = false;
  }
});

$('signout').addEventListener('click', signOut);

// ---- channels ----

function relative(iso) {
  const t = Date.parse(iso);
  if (!iso || Number.isNaN(t) || t <= 0) {
    return '—';
  }
  const seconds = Math.round((Date.now() - t) / 1000);
  if (seconds < 60) {
    return `${Math.max(0, seconds)} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  return new Date(t).toLocaleString();
}

async function loadChannels() {
  if (!state.api) {
    return;
  }
  $('channels-status').textContent = 'loading…';
  try {
    const channels = await state.api.channels();
    renderChannels(channels);
    $('channels-error').textContent = '';
    $('channels-status').textContent = `${channels.length} channel${channels.length === 1 ? '' : 's'}, ${new Date().toLocaleTimeString()}`;
    $('channels').dataset.loaded = 'true';
  } catch (e) {
    $('channels-status').textContent = '';
    $('channels-error').textContent = `Cannot list channels: ${describe(e)}`;
  }
}

/** Rows are kept per TAG and updated in place, so a refresh loses no half-done confirmation. */
function renderChannels(channels) {
  const existing = new Map([...$('channel-rows').children].map(row => [row.dataset.tag, row]));
  const rows = channels.slice().sort((a, b) => a.tag.localeCompare(b.tag))
    .map(channel => fillChannelRow(existing.get(channel.tag) || channelRow(channel.tag), channel));
  $('channel-rows').replaceChildren(...rows);
}

function channelRow(tag) {
  const row = el('tr', { 'data-tag': tag });
  const tagCell = el('td', { 'data-col': 'tag' });
  tagCell.append(el('a', { href: `#/live/${encodeURIComponent(tag)}`, 'data-action': 'open' }, tag));
  const remove = el('button', { type: 'button', 'data-action': 'delete', 'data-tag': tag }, 'Delete');
  remove.addEventListener('click', () => deleteChannel(tag, remove));
  const actions = el('td', { 'data-col': 'actions' });
  actions.append(remove);
  row.append(tagCell, el('td', { 'data-col': 'class' }), el('td', { 'data-col': 'probes' }),
    el('td', { 'data-col': 'subscribers' }), el('td', { 'data-col': 'last-seq' }),
    el('td', { 'data-col': 'last-activity' }), actions);
  return row;
}

function fillChannelRow(row, channel) {
  const cell = name => row.querySelector(`td[data-col="${name}"]`);
  const probes = channel.probes || [];
  const subscribers = channel.subscribers || [];
  cell('class').textContent = channel['class'];
  for (const [name, list] of [['probes', probes], ['subscribers', subscribers]]) {
    cell(name).textContent = list.length ? list.join(', ') : '—';
    cell(name).dataset.count = String(list.length);
    cell(name).title = list.join(', ');
  }
  cell('last-seq').textContent = String(channel.lastSeq ?? 0);
  cell('last-activity').textContent = relative(channel.lastActivityAt);
  cell('last-activity').dataset.value = channel.lastActivityAt || '';
  cell('last-activity').title = channel.lastActivityAt || '';
  return row;
}

async function deleteChannel(tag, button) {
  if (button.dataset.confirm !== 'true') {
    button.dataset.confirm = 'true';
    button.textContent = `Really delete ${tag}?`;
    return;
  }
  button.disabled = true;
  try {
    await state.api.deleteChannel(tag);
    $('create-error').textContent = '';
  } catch (e) {
    $('channels-error').textContent = `Cannot delete ${tag}: ${describe(e)}`;
  }
  await loadChannels();
}

$('create-form').addEventListener('submit', async event => {
  event.preventDefault();
  $('create-error').textContent = '';
  $('create-submit').disabled = true;
  const tag = $('create-tag').value.trim();
  try {
    await state.api.createChannel({ tag, class: $('create-class').value });
    $('create-tag').value = '';
    await loadChannels();
  } catch (e) {
    $('create-error').textContent = `Cannot create ${tag}: ${describe(e)}`;
  } finally {
    $('create-submit').disabled = false;
  }
});

$('refresh-channels').addEventListener('click', loadChannels);

// ---- live view ----

function stopLive() {
  if (state.live) {
    state.live.stop();
    state.live = null;
  }
}

function replicaItem(link) {
  let item = document.querySelector(`#replicas li[data-replica="${link.id}"]`);
  if (!item) {
    item = el('li', { 'data-replica': link.id });
    $('replicas').append(item);
  }
  item.dataset.state = link.state;
  item.dataset.delivered = String(link.delivered);
  item.textContent = `replica ${link.id}: ${link.state}, ${link.delivered} copies`
    + (link.lastSeq !== null ? `, last #${link.lastSeq}` : '') + (link.error && link.state !== 'subscribed' ? ` (${link.error})` : '');
  item.title = link.url;
}

function eventTime(entry) {
  const t = Date.parse(entry.event.ts);
  return Number.isNaN(t) ? Date.parse(entry.orderedAt) || Date.now() : t;
}

function signatureText(status) {
  return { verified: '✓ verified', invalid: '✗ INVALID', unverified: 'unverified (no key)', unsigned: 'unsigned' }[status]
    || status;
}

function fillVotes(cell, entry) {
  cell.textContent = `${entry.votes}/${entry.n}`;
  cell.dataset.votes = String(entry.votes);
  cell.dataset.votesComplete = String(entry.votes === entry.n);
}

function fillSignature(cell, entry) {
  cell.textContent = signatureText(entry.signature);
  cell.dataset.signature = entry.signature;
}

function eventRow(entry) {
  const e = entry.event;
  const row = el('tr', { 'data-key': entry.key, 'data-seq': entry.channelSeq, 'data-probe': e.probeId,
    'data-probe-seq': e.seq });
  const votes = el('td', { 'data-col': 'votes' });
  fillVotes(votes, entry);
  const signature = el('td', { 'data-col': 'signature' });
  fillSignature(signature, entry);
  row.append(el('td', { 'data-col': 'seq' }, String(entry.channelSeq)),
    el('td', { 'data-col': 'probe' }, String(e.probeId)),
    el('td', { 'data-col': 'probe-seq' }, String(e.seq)),
    el('td', { 'data-col': 'ts' }, String(e.ts ?? '')),
    votes, signature,
    el('td', { 'data-col': 'data' }, JSON.stringify(e.data ?? null)));
  return row;
}

function findRow(key) {
  return [...$('event-rows').children].find(row => row.dataset.key === key);
}

async function openLive(tag) {
  stopLive();
  show('live-view');
  $('live-tag').textContent = tag;
  $('live-class').textContent = '';
  $('live-error').textContent = '';
  $('live-status').textContent = 'subscribing…';
  $('replicas').replaceChildren();
  $('event-rows').replaceChildren();
  $('banner').hidden = true;
  $('banner-list').replaceChildren();
  $('event-count').textContent = '0';
  $('event-count').dataset.count = '0';
  const charts = new Charts($('charts'));
  charts.clear();
  let count = 0;
  const live = new LiveChannel({
    api: state.api, tag, cluster: state.cluster, tokens: state.tokens,
    listener: {
      onEvent: entry => {
        $('event-rows').prepend(eventRow(entry));
        while ($('event-rows').children.length > MAX_ROWS) {
          $('event-rows').lastElementChild.remove();
        }
        count++;
        $('event-count').textContent = String(count);
        $('event-count').dataset.count = String(count);
        charts.add(eventTime(entry), entry.event.data);
      },
      onUpdate: entry => {
        const row = findRow(entry.key);
        if (row) {
          fillVotes(row.querySelector('td[data-col="votes"]'), entry);
          fillSignature(row.querySelector('td[data-col="signature"]'), entry);
        }
      },
      onReplica: link => replicaItem(link),
      onProblems: problems => {
        const items = problems.map(p => el('li', { 'data-replica': p.replica, 'data-problem': p.kind }, p.text));
        $('banner-list').replaceChildren(...items);
        $('banner').hidden = items.length === 0;
        const troubled = new Set(problems.map(p => String(p.replica)));
        for (const item of $('replicas').children) {
          if (troubled.has(item.dataset.replica)) {
            item.dataset.problem = 'true';
          } else {
            delete item.dataset.problem;
          }
        }
      },
      onClosed: reason => {
        $('live-status').textContent = reason;
        $('live-status').dataset.closed = 'true';
      },
    },
  });
  state.live = live;
  try {
    const channel = await live.start();
    if (state.live !== live) {
      live.stop();
      return;
    }
    $('live-class').textContent = channel['class'];
    $('live-status').textContent = `${state.cluster.n} replicas, f = ${state.cluster.f}; `
      + (channel['class'] === 'BFT' ? `an event is shown once ${state.cluster.f + 1} replicas sent identical copies`
        : 'an event is shown on its first copy; later copies are compared')
      + (live.fromSeq ? `; from #${live.fromSeq}` : '; from now on');
    $('live-view').dataset.tag = tag;
    $('live-view').dataset.live = 'true';
  } catch (e) {
    live.stop();
    $('live-status').textContent = '';
    $('live-error').textContent = `Cannot open ${tag}: ${describe(e)}`;
  }
}

// ---- routing ----

async function route() {
  const hash = location.hash || '#/channels';
  if (!state.api) {
    show('signin-view');
    return;
  }
  if (hash.startsWith('#/live/')) {
    clearInterval(state.channelTimer);
    await openLive(decodeURIComponent(hash.slice('#/live/'.length)));
    return;
  }
  stopLive();
  $('live-view').dataset.live = 'false';
  show('channels-view');
  clearInterval(state.channelTimer);
  state.channelTimer = setInterval(loadChannels, CHANNEL_REFRESH_MS);
  await loadChannels();
}

window.addEventListener('hashchange', route);

async function boot() {
  const keyId = sessionStorage.getItem(STORAGE_KEY_ID);
  const secret = sessionStorage.getItem(STORAGE_SECRET);
  if (keyId && secret) {
    try {
      await signIn(keyId, secret, false);
    } catch (e) {
      $('signin-error').textContent = `Stored key no longer works: ${describe(e)}`;
    }
  }
  $('app-status').hidden = true;
  $('app-status').dataset.ready = 'true';
  await route();
}

boot();
