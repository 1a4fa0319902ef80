// The dynsecret console. Plain JavaScript, no build step. Every value from the server is put in
// the page with textContent (never as HTML). Secret data lives only in the credential dialog's
// inputs and is dropped when the dialog closes; nothing is kept in storage, the URL or the history.
'use strict';

(function () {
  const ACTIVE_STATES = 'PENDING,ACTIVE,REVOCATION_FAILED';
  const REFRESH_MS = 2000;
  const TICK_MS = 250;

  const state = {
    session: null,
    offset: 0,           // server time - local time, so countdowns follow the server's clock
    secret: null,
    cursor: null,        // the page being shown: null for the first
    nextCursor: null,
    refreshTimer: null,
    sweepOrphans: 0,
    busy: false
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('data-')) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // ------------------------------------------------------------------ talking to the server

  class ApiError extends Error {
    constructor(status, data) {
      super(data && data.message ? data.message : 'HTTP ' + status);
      this.status = status;
      this.data = data || {};
    }
  }

  async function api(method, path, body) {
    const options = { method: method, credentials: 'same-origin', cache: 'no-store',
      headers: { 'Accept': 'application/json' } };
    if (method !== 'GET') {
      options.headers['Content-Type'] = 'application/json';
      const csrf = state.session && state.session.csrf;
      if (csrf) options.headers[csrf.header] = csrf.token;
      options.body = JSON.stringify(body || {});
    }
    const response = await fetch('api/' + path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      if (response.status === 401 && path !== 'login') {
        await loadSession();
        route();
      }
      throw new ApiError(response.status, data);
    }
    if (data && data.serverTime) state.offset = Date.parse(data.serverTime) - Date.now();
    return data;
  }

  /** "ttl: must be ..." for a validation error; the message otherwise. */
  function describe(error) {
    if (error instanceof ApiError && error.data.field) {
      return error.data.field + ': ' + error.data.rule;
    }
    return error.message;
  }

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  function banner(text) {
    $('banner').textContent = text || '';
    $('banner').hidden = !text;
  }

  // ------------------------------------------------------------------ time

  function now() { return Date.now() + state.offset; }

  /** 9m 58s, 1h 02m, 3d 4h; "expired" at or past zero. */
  function left(ms) {
    if (ms <= 0) return 'expired';
    const s = Math.floor(ms / 1000);
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    const m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d > 0) return d + 'd ' + h + 'h';
    if (h > 0) return h + 'h ' + String(m).padStart(2, '0') + 'm';
    if (m > 0) return m + 'm ' + String(sec).padStart(2, '0') + 's';
    return sec + 's';
  }

  /** ISO-8601 durations from the server (PT1H, PT30M, P2D as PT48H) made short. */
  function duration(iso) {
    if (!iso) return '-';
    const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
    if (!match) return iso;
    const h = Number(match[1] || 0), m = Number(match[2] || 0), s = Number(match[3] || 0);
    const parts = [];
    if (h >= 24 && h % 24 === 0 && !m && !s) return (h / 24) + 'd';
    if (h) parts.push(h + 'h');
    if (m) parts.push(m + 'm');
    if (s) parts.push(s + 's');
    return parts.join('') || '0s';
  }

  function tick() {
    for (const span of document.querySelectorAll('[data-until]')) {
      const ms = Date.parse(span.getAttribute('data-until')) - now();
      span.textContent = left(ms);
      span.classList.toggle('expired', ms <= 0);
      span.classList.toggle('soon', ms > 0 && ms < 60000);
    }
  }

  // ------------------------------------------------------------------ session and routing

  async function loadSession() {
    const response = await fetch('api/session', { credentials: 'same-origin', cache: 'no-store' });
    state.session = await response.json();
    const s = state.session;
    document.body.classList.toggle('read-only', !s.canWrite);
    $('who').textContent = s.signedIn ? (s.user || '') + (s.canWrite ? '' : ' (read-only)')
      : (s.readOnly ? 'read-only' : '');
    $('logout').hidden = !(s.authentication === 'token' && s.signedIn);
    $('nav').hidden = needsLogin();
  }

  function needsLogin() {
    return state.session.authentication === 'token' && !state.session.signedIn;
  }

  function show(view) {
    for (const id of ['login-view', 'secrets-view', 'leases-view', 'maintenance-view']) {
      $(id).hidden = id !== view;
    }
    $('nav-secrets').classList.toggle('current', view === 'secrets-view');
    $('nav-maintenance').classList.toggle('current', view === 'maintenance-view');
  }

  function route() {
    clearInterval(state.refreshTimer);
    banner('');
    if (needsLogin()) {
      show('login-view');
      $('token').focus();
      return;
    }
    const hash = location.hash || '#/';
    const leases = /^#\/secrets\/([^/]+)$/.exec(hash);
    if (leases) {
      const name = decodeURIComponent(leases[1]);
      if (state.secret !== name) { state.cursor = null; }
      state.secret = name;
      show('leases-view');
      $('leases-secret').textContent = name;
      refreshLeases();
      state.refreshTimer = setInterval(refreshLeases, REFRESH_MS);
    } else if (hash === '#/maintenance') {
      show('maintenance-view');
    } else {
      show('secrets-view');
      refreshSecrets();
      state.refreshTimer = setInterval(refreshSecrets, REFRESH_MS * 2);
    }
  }

  // ------------------------------------------------------------------ secrets

  function count(value, alert) {
    return el('td', { class: 'num ' + (value === 0 ? 'count-zero' : alert ? 'count-alert' : '') },
      value);
  }

  async function refreshSecrets() {
    let data;
    try { data = await api('GET', 'secrets'); } catch (e) { banner(describe(e)); return; }
    const body = $('secrets').tBodies[0];
    body.replaceChildren(...data.secrets.map((s) => el('tr', { 'data-secret': s.name },
      el('td', {}, el('a', { href: '#/secrets/' + encodeURIComponent(s.name) }, s.name)),
      el('td', {}, s.providerType),
      el('td', {}, duration(s.defaultTtl)),
      el('td', {}, duration(s.maxTtl)),
      el('td', {}, s.leaseLimit === null ? '-' : s.leaseLimit),
      count(s.counts.PENDING), count(s.counts.ACTIVE),
      count(s.counts.REVOCATION_FAILED, true), count(s.counts.REVOKED))));
    $('secrets-empty').hidden = data.secrets.length > 0;
  }

  // ------------------------------------------------------------------ leases

  function leaseState(lease) {
    if (lease.revocationPending) return el('span', { class: 'badge revoking' }, 'ACTIVE (revoking)');
    return el('span', { class: 'badge ' + lease.state }, lease.state);
  }

  function leaseRow(lease) {
    const finished = lease.state === 'REVOKED';
    const actions = el('td', { class: 'actions write' });
    if (state.session.canWrite) {
      if (lease.state === 'ACTIVE' && !lease.revocationPending) {
        actions.append(el('button', { type: 'button', class: 'renew', onclick: () => openRenew(lease) },
          'Renew'));
      }
      if (lease.state === 'ACTIVE' || lease.state === 'PENDING') {
        actions.append(el('button', { type: 'button', class: 'revoke danger',
          onclick: () => confirmRevoke(lease, false) }, 'Revoke'));
      }
      if (lease.state === 'REVOCATION_FAILED') {
        actions.append(el('button', { type: 'button', class: 'revoke danger',
          onclick: () => confirmRevoke(lease, false) }, 'Retry revoke'));
        actions.append(el('button', { type: 'button', class: 'force-revoke danger',
          onclick: () => confirmRevoke(lease, true) }, 'Force revoke'));
      }
    }
    return el('tr', { 'data-lease-id': lease.id, 'data-state': lease.state },
      el('td', {}, el('code', {}, lease.id)),
      el('td', {}, leaseState(lease)),
      el('td', { class: 'time' }, finished ? '-' : el('span', { class: 'countdown', 'data-until': lease.expiresAt })),
      el('td', { class: 'time' }, finished ? '-' : el('span', { class: 'hard-limit', 'data-until': lease.hardLimitAt })),
      el('td', { class: 'num' }, lease.revocationAttempts),
      el('td', { class: 'err' }, lease.lastError || ''),
      actions);
  }

  async function refreshLeases() {
    const name = state.secret;
    const states = $('show-revoked').checked ? '' : ACTIVE_STATES;
    const query = 'limit=50' + (states ? '&state=' + states : '')
      + (state.cursor ? '&after=' + encodeURIComponent(state.cursor) : '');
    let data;
    try {
      data = await api('GET', 'secrets/' + encodeURIComponent(name) + '/leases?' + query);
    } catch (e) { banner(describe(e)); return; }
    if (state.secret !== name) return;
    banner('');
    $('leases').tBodies[0].replaceChildren(...data.items.map(leaseRow));
    $('leases-empty').hidden = data.items.length > 0;
    state.nextCursor = data.nextCursor;
    $('next-page').hidden = !data.nextCursor;
    $('first-page').hidden = !state.cursor;
    $('leases-updated').textContent = 'updated ' + new Date(now()).toLocaleTimeString();
    tick();
  }

  async function newLease(event) {
    event.preventDefault();
    if (state.busy) return;
    state.busy = true;
    $('new-error').hidden = true;
    try {
      const created = await api('POST', 'secrets/' + encodeURIComponent(state.secret) + '/leases',
        { ttl: $('new-ttl').value.trim() || null });
      showCredential(created);
      refreshLeases();
    } catch (e) {
      $('new-error').textContent = describe(e);
      $('new-error').hidden = false;
    } finally {
      state.busy = false;
    }
  }

  function copyButton(input) {
    return el('button', { type: 'button', class: 'copy', onclick: async (event) => {
      const button = event.currentTarget;
      try {
        await navigator.clipboard.writeText(input.value);
      } catch (e) {
        input.select();
        document.execCommand('copy');
      }
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    } }, 'Copy');
  }

  function showCredential(created) {
    const fields = $('credential-fields');
    fields.replaceChildren();
    for (const [key, value] of Object.entries(created.secretData)) {
      const input = el('input', { id: 'credential-' + key, readOnly: true, value: value,
        autocomplete: 'off', spellcheck: false });
      fields.append(el('div', { class: 'field' }, el('label', { htmlFor: input.id }, key), input,
        copyButton(input)));
    }
    $('credential-lease').textContent = created.lease.id;
    $('credential-expires').replaceChildren(el('span', { 'data-until': created.lease.expiresAt }));
    tick();
    $('credential-dialog').showModal();
  }

  function closeCredential() {
    // Drop the secret from the page: it is never shown again.
    $('credential-fields').replaceChildren();
    $('credential-dialog').close();
  }

  let renewing = null;

  function openRenew(lease) {
    renewing = lease;
    $('renew-lease').textContent = lease.id;
    $('renew-limit').replaceChildren(el('span', { 'data-until': lease.hardLimitAt }));
    $('renew-ttl').value = '';
    $('renew-error').hidden = true;
    tick();
    $('renew-dialog').showModal();
    $('renew-ttl').focus();
  }

  async function renew(event) {
    event.preventDefault();
    try {
      const answer = await api('POST', 'leases/' + encodeURIComponent(renewing.id) + '/renew',
        { ttl: $('renew-ttl').value.trim() || null });
      $('renew-dialog').close();
      toast('Renewed ' + answer.lease.id + ': expires in ' + left(Date.parse(answer.lease.expiresAt) - now()));
      refreshLeases();
    } catch (e) {
      $('renew-error').textContent = describe(e);
      $('renew-error').hidden = false;
    }
  }

  let confirming = null;

  function confirmRevoke(lease, force) {
    confirming = { lease: lease, force: force };
    $('confirm-title').textContent = force ? 'Force-revoke lease' : 'Revoke lease';
    $('confirm-text').textContent = force
      ? 'Mark lease ' + lease.id + ' revoked even though the provider could not delete its'
        + ' credential. The provider is asked once more; if it fails again the credential may'
        + ' still work, and the lease will say so. Use this only once the credential is dealt'
        + ' with another way.'
      : 'Delete the credential of lease ' + lease.id + ' now. Whoever uses it loses access.';
    $('confirm-ok').textContent = force ? 'Force revoke' : 'Revoke';
    $('confirm-error').hidden = true;
    $('confirm-dialog').showModal();
  }

  async function confirmOk() {
    const { lease, force } = confirming;
    try {
      const answer = await api('POST', 'leases/' + encodeURIComponent(lease.id)
        + (force ? '/force-revoke' : '/revoke'), {});
      $('confirm-dialog').close();
      toast((force ? 'Force-revoked ' : 'Revoked ') + answer.lease.id
        + (answer.lease.lastError && force ? ' (deletion not confirmed)' : ''));
    } catch (e) {
      $('confirm-error').textContent = describe(e);
      $('confirm-error').hidden = false;
    }
    refreshLeases();
  }

  // ------------------------------------------------------------------ reconcile and sweep

  async function reconcile() {
    const button = $('reconcile');
    button.disabled = true;
    $('reconcile-result').hidden = false;
    $('reconcile-result').textContent = 'Reconciling…';
    try {
      const r = await api('POST', 'reconcile', {});
      $('reconcile-result').textContent = 'Pending leases examined: ' + r.examined
        + ', reconciled: ' + r.reconciled + ', still in flight: ' + r.inFlight
        + ', failed: ' + r.failed + '.';
    } catch (e) {
      $('reconcile-result').textContent = describe(e);
    } finally {
      button.disabled = false;
    }
  }

  async function sweep(dryRun) {
    const secrets = (await api('GET', 'secrets')).secrets.map((s) => s.name);
    $('sweep-dry-run').disabled = true;
    $('sweep-apply').disabled = true;
    const rows = $('sweep-results').tBodies[0];
    rows.replaceChildren();
    $('sweep-orphans').replaceChildren();
    $('sweep-results').hidden = false;
    const progress = $('sweep-progress');
    progress.hidden = false;
    let orphans = 0;
    for (let i = 0; i < secrets.length; i++) {
      const name = secrets[i];
      progress.textContent = '[' + (i + 1) + '/' + secrets.length + '] ' + (dryRun ? 'dry run of ' : 'sweeping ') + name + '…';
      try {
        const r = await api('POST', 'secrets/' + encodeURIComponent(name) + '/sweep', { dryRun: dryRun });
        orphans += r.orphans.length;
        rows.append(el('tr', { 'data-secret': name },
          el('td', {}, name), el('td', { class: 'num' }, r.listed), el('td', { class: 'num' }, r.tracked),
          el('td', { class: 'num orphans' }, r.orphans.length), el('td', { class: 'num deleted' }, r.deleted),
          el('td', { class: 'num' }, r.failed), el('td', { class: 'num' }, r.vanished.length),
          el('td', {}, r.supported ? (r.message || '') : 'not supported: ' + r.message)));
        for (const o of r.orphans) {
          $('sweep-orphans').append(el('li', {}, name + ': ' + o.name + ' (credential ' + o.externalId + ')'
            + (dryRun ? ' would be deleted' : '')));
        }
        for (const id of r.vanished) {
          $('sweep-orphans').append(el('li', {}, name + ': lease ' + id + ' is active but its credential is gone'));
        }
      } catch (e) {
        rows.append(el('tr', { 'data-secret': name }, el('td', {}, name),
          el('td', { colSpan: 7, class: 'err' }, describe(e))));
      }
    }
    progress.textContent = (dryRun ? 'Dry run done: ' + orphans + ' orphan(s) found, nothing deleted.'
      : 'Sweep done: ' + orphans + ' orphan(s) handled.');
    state.sweepOrphans = dryRun ? orphans : 0;
    $('sweep-dry-run').disabled = false;
    $('sweep-apply').disabled = !(dryRun && orphans > 0);
    $('sweep-apply').textContent = dryRun && orphans > 0 ? 'Delete the ' + orphans + ' orphan(s)'
      : 'Delete the orphans';
  }

  // ------------------------------------------------------------------ sign-in

  async function login(event) {
    event.preventDefault();
    $('login-error').hidden = true;
    try {
      await api('POST', 'login', { token: $('token').value });
      $('token').value = '';
      await loadSession();
      route();
    } catch (e) {
      $('login-error').textContent = e.status === 401 ? 'Wrong token.' : describe(e);
      $('login-error').hidden = false;
    }
  }

  async function logout() {
    try { await api('POST', 'logout', {}); } catch (e) { /* signed out anyway */ }
    await loadSession();
    route();
  }

  // ------------------------------------------------------------------ start

  document.addEventListener('DOMContentLoaded', async () => {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('new-lease-form').addEventListener('submit', newLease);
    $('show-revoked').addEventListener('change', () => { state.cursor = null; refreshLeases(); });
    $('next-page').addEventListener('click', () => { state.cursor = state.nextCursor; refreshLeases(); });
    $('first-page').addEventListener('click', () => { state.cursor = null; refreshLeases(); });
    $('credential-close').addEventListener('click', closeCredential);
    $('credential-dialog').addEventListener('close', () => $('credential-fields').replaceChildren());
    $('renew-form').addEventListener('submit', renew);
    $('renew-cancel').addEventListener('click', () => $('renew-dialog').close());
    $('confirm-cancel').addEventListener('click', () => $('confirm-dialog').close());
    $('confirm-ok').addEventListener('click', confirmOk);
    $('reconcile').addEventListener('click', reconcile);
    $('sweep-dry-run').addEventListener('click', () => sweep(true));
    $('sweep-apply').addEventListener('click', () => sweep(false));
    window.addEventListener('hashchange', route);
    setInterval(tick, TICK_MS);
    await loadSession();
    route();
  });
})();
