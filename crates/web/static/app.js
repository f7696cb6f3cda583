/* 科创服务平台 — page behaviour. Loaded with `defer`; no inline scripts (CSP script-src 'self'). */
(function () {
  'use strict';

  var KINDS = { success: 'success', danger: 'danger', warning: 'warning', info: 'info', error: 'danger' };
  var ICONS = {
    success: 'bi-check-circle-fill',
    danger: 'bi-x-circle-fill',
    warning: 'bi-exclamation-triangle-fill',
    info: 'bi-info-circle-fill'
  };

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  function toastContainer() {
    var c = document.getElementById('toast-container');
    if (!c) {
      c = document.createElement('div');
      c.id = 'toast-container';
      c.className = 'toast-container position-fixed top-0 end-0 p-3';
      document.body.appendChild(c);
    }
    return c;
  }

  /** Show a Bootstrap toast. kind: success | danger | warning | info. */
  function showToast(kind, message) {
    kind = KINDS[String(kind || '').toLowerCase()] || 'info';
    if (message === undefined || message === null || message === '') return;

    var el = document.createElement('div');
    el.className = 'toast align-items-center border-0 text-bg-' + kind;
    el.setAttribute('role', kind === 'danger' || kind === 'warning' ? 'alert' : 'status');
    el.setAttribute('aria-live', kind === 'danger' || kind === 'warning' ? 'assertive' : 'polite');
    el.setAttribute('aria-atomic', 'true');

    var row = document.createElement('div');
    row.className = 'd-flex';
    var body = document.createElement('div');
    body.className = 'toast-body';
    var icon = document.createElement('i');
    icon.className = 'bi ' + ICONS[kind] + ' me-2';
    icon.setAttribute('aria-hidden', 'true');
    body.appendChild(icon);
    body.appendChild(document.createTextNode(String(message)));
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn-close me-2 m-auto' + (kind === 'warning' ? '' : ' btn-close-white');
    close.setAttribute('data-bs-dismiss', 'toast');
    close.setAttribute('aria-label', '关闭');
    row.appendChild(body);
    row.appendChild(close);
    el.appendChild(row);
    toastContainer().appendChild(el);

    var delay = kind === 'danger' || kind === 'warning' ? 8000 : 4000;
    if (window.bootstrap && window.bootstrap.Toast) {
      el.addEventListener('hidden.bs.toast', function () { el.remove(); });
      window.bootstrap.Toast.getOrCreateInstance(el, { delay: delay }).show();
    } else {
      el.classList.add('show');
      close.addEventListener('click', function () { el.remove(); });
      setTimeout(function () { el.remove(); }, delay);
    }
    return el;
  }
  window.showToast = showToast;

  function onReady(fn) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', fn);
    } else {
      fn();
    }
  }

  // Elements enhanced when the page loads and when htmx brings new content:
  // onEach(selector, fn) runs fn once per matching element.
  var enhancers = [];
  function onEach(selector, fn) { enhancers.push([selector, fn]); }
  function enhance(root) {
    enhancers.forEach(function (e, k) {
      var found = Array.prototype.slice.call(root.querySelectorAll(e[0]));
      if (root.matches && root.matches(e[0])) found.unshift(root);
      found.forEach(function (el) {
        var done = el.kcDone || (el.kcDone = []);
        if (done.indexOf(k) !== -1) return;
        done.push(k);
        e[1](el);
      });
    });
  }
  onReady(function () { enhance(document); });
  document.addEventListener('htmx:load', function (evt) {
    if (evt.target instanceof Element) enhance(evt.target);
  });

  // ---- htmx integration ----
  document.addEventListener('htmx:configRequest', function (evt) {
    var token = csrfToken();
    if (token && evt.detail && evt.detail.headers) {
      evt.detail.headers['X-CSRF-Token'] = token;
    }
  });

  // Server: `HX-Trigger: {"toast": {"kind": "success", "message": "已保存"}}`
  document.addEventListener('toast', function (evt) {
    var d = evt.detail || {};
    if (typeof d.value === 'string') {
      showToast('info', d.value); // `HX-Trigger: {"toast": "文本"}`
    } else {
      showToast(d.kind, d.message);
    }
  });

  document.addEventListener('htmx:responseError', function (evt) {
    var xhr = evt.detail && evt.detail.xhr;
    if (!xhr) return;
    // The server already sent its own toast with this response.
    var trig = xhr.getResponseHeader('HX-Trigger');
    if (trig && trig.indexOf('"toast"') !== -1) return;
    var message = null;
    var text = xhr.responseText || '';
    if (text && /^\s*\{/.test(text)) {
      try {
        var body = JSON.parse(text);
        if (body && typeof body.message === 'string' && body.message) message = body.message;
      } catch (e) { /* not JSON */ }
    }
    showToast('danger', message || '请求失败（HTTP ' + xhr.status + '）');
  });

  document.addEventListener('htmx:sendError', function () {
    showToast('danger', '网络连接失败，请检查网络后重试');
  });
  document.addEventListener('htmx:timeout', function () {
    showToast('danger', '网络连接失败，请检查网络后重试');
  });

  // Do not store open toasts in htmx's history snapshot.
  document.addEventListener('htmx:beforeHistorySave', function () {
    var c = document.getElementById('toast-container');
    if (c) c.replaceChildren();
  });

  // ---- forms ----
  // <form data-confirm="确定删除？"> (or a submit button with data-confirm): ask first.
  // Capture phase, so it runs before htmx's own submit handler on the form.
  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = evt.submitter;
    var msg = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  function submitForm(form) {
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(); // fires `submit`, so htmx and data-confirm both see it
      return;
    }
    var ev = new Event('submit', { bubbles: true, cancelable: true });
    if (form.dispatchEvent(ev)) form.submit();
  }

  // <select data-autosubmit> inside a form: submit on change.
  document.addEventListener('change', function (evt) {
    var el = evt.target;
    if (!(el instanceof HTMLSelectElement) || !el.hasAttribute('data-autosubmit')) return;
    // A select with its own hx-get/hx-post is already handled by htmx on change.
    if (el.hasAttribute('hx-get') || el.hasAttribute('hx-post') || el.hasAttribute('data-hx-get') || el.hasAttribute('data-hx-post')) return;
    if (el.form) submitForm(el.form);
  });

  // <input type="checkbox" data-check-all="NAME">: ticks or clears the form's NAME checkboxes.
  document.addEventListener('change', function (evt) {
    var all = evt.target;
    if (!(all instanceof HTMLInputElement) || !all.hasAttribute('data-check-all') || !all.form) return;
    var name = all.getAttribute('data-check-all');
    // form.elements: also the boxes placed elsewhere with form="…".
    Array.prototype.forEach.call(all.form.elements, function (box) {
      if (box.type === 'checkbox' && box.name === name) box.checked = all.checked;
    });
  });

  // <button data-print>: print the page (inline handlers are not allowed by the CSP).
  document.addEventListener('click', function (evt) {
    var el = evt.target instanceof Element ? evt.target.closest('[data-print]') : null;
    if (el) window.print();
  });

  // ---- collapsible trees ----
  // <table id=… data-tree-open="N"> with rows <tr data-path="/a/b/" data-depth="d">
  // (path order); a [data-tree-toggle] button in a row folds the rows under
  // it; [data-tree-all="expand|collapse"][data-tree-target=id] does all.
  // Rows deeper than data-tree-open start folded. Without script every row shows.
  function treeRefresh(table) {
    var folded = [];
    Array.prototype.forEach.call(table.querySelectorAll('tr[data-path]'), function (row) {
      var path = row.getAttribute('data-path');
      row.hidden = folded.some(function (f) { return path !== f && path.indexOf(f) === 0; });
      var btn = row.querySelector('[data-tree-toggle]');
      if (btn && btn.getAttribute('aria-expanded') === 'false') folded.push(path);
    });
  }
  function treeSet(btn, open) {
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    var icon = btn.querySelector('i');
    if (icon) icon.className = 'bi ' + (open ? 'bi-caret-down-fill' : 'bi-caret-right-fill');
  }
  document.addEventListener('click', function (evt) {
    var t = evt.target instanceof Element ? evt.target : null;
    var btn = t && t.closest('[data-tree-toggle]');
    if (btn) {
      var tree = btn.closest('table');
      treeSet(btn, btn.getAttribute('aria-expanded') === 'false');
      if (tree) treeRefresh(tree);
      return;
    }
    var all = t && t.closest('[data-tree-all]');
    var table = all && document.getElementById(all.getAttribute('data-tree-target'));
    if (table) {
      var open = all.getAttribute('data-tree-all') === 'expand';
      Array.prototype.forEach.call(table.querySelectorAll('[data-tree-toggle]'), function (b) { treeSet(b, open); });
      treeRefresh(table);
    }
  });
  onEach('table[data-tree-open]', function (table) {
    var depth = parseInt(table.getAttribute('data-tree-open'), 10) || 0;
    Array.prototype.forEach.call(table.querySelectorAll('tr[data-path]'), function (row) {
      var btn = row.querySelector('[data-tree-toggle]');
      if (btn && parseInt(row.getAttribute('data-depth'), 10) >= depth) treeSet(btn, false);
    });
    treeRefresh(table);
  });

  // fn(cell, column) for each single-column cell of the rows, columns
  // counted across colspans.
  function eachCell(rows, fn) {
    Array.prototype.forEach.call(rows, function (row) {
      var col = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if ((cell.colSpan || 1) === 1) fn(cell, col);
        col += cell.colSpan || 1;
      });
    });
  }

  // ---- tables on phones ----
  // A table of four or more columns (not data-stack="off") is read as
  // cards below 576 px (app.css .table-stack): each cell is labelled with
  // its column's heading, taken from the table's header row.
  onEach('table.table', function (table) {
      if (table.getAttribute('data-stack') === 'off' || !table.tHead) return;
      var head = table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || head.cells.length < 4) return;
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var k = 0; k < (th.colSpan || 1); k++) labels.push(th.textContent.trim());
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        eachCell(body.rows, function (cell, col) {
          if (!cell.hasAttribute('data-label')) cell.setAttribute('data-label', labels[col] || '');
        });
      });
      table.classList.add('table-stack');
  });

  // ---- choosing a wide table's columns ----
  // A table of six or more columns (with an id, not data-columns="off") gets
  // a 显示列 menu before it; the columns hidden are kept per page and table
  // in this browser (localStorage).
  function columnsKey(table) {
    var k = table.id || String(Array.prototype.indexOf.call(document.querySelectorAll('table'), table));
    return 'kc-cols:' + location.pathname + '#' + k;
  }
  function showColumn(table, k, on) {
    eachCell(table.rows, function (cell, col) {
      if (col === k) cell.classList.toggle('col-hidden', !on);
    });
  }
  onEach('table.table', function (table) {
      if (table.getAttribute('data-columns') === 'off' || !table.tHead) return;
      var head = table.tHead.rows[table.tHead.rows.length - 1];
      if (!head || head.cells.length < 6) return;
      var hidden = [];
      try { hidden = JSON.parse(localStorage.getItem(columnsKey(table)) || '[]'); } catch (e) { hidden = []; }
      var menu = document.createElement('div');
      menu.className = 'dropdown columns-menu d-none d-sm-flex justify-content-end px-2 pt-2';
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-outline-secondary btn-sm dropdown-toggle';
      button.setAttribute('data-bs-toggle', 'dropdown');
      button.setAttribute('data-bs-auto-close', 'outside');
      button.setAttribute('aria-expanded', 'false');
      button.innerHTML = '<i class="bi bi-layout-three-columns me-1" aria-hidden="true"></i>显示列';
      var list = document.createElement('div');
      list.className = 'dropdown-menu dropdown-menu-end p-2 small';
      var named = false; // the first column with a heading names the row
      Array.prototype.forEach.call(head.cells, function (th, k) {
        // A sorted column's heading carries ↑ or ↓; the choice is kept by
        // the bare name so that sorting by a hidden column keeps it hidden.
        var name = th.textContent.replace(/[↑↓]/g, '').trim();
        if (!name) return; // a column of checkboxes or actions
        if (!named) { named = true; return; }
        var id = table.id + '-col-' + k;
        var item = document.createElement('div');
        item.className = 'form-check';
        var box = document.createElement('input');
        box.type = 'checkbox';
        box.className = 'form-check-input';
        box.id = id;
        box.checked = hidden.indexOf(name) === -1;
        var label = document.createElement('label');
        label.className = 'form-check-label text-nowrap';
        label.htmlFor = id;
        label.textContent = name;
        box.addEventListener('change', function () {
          showColumn(table, k, box.checked);
          hidden = hidden.filter(function (h) { return h !== name; });
          if (!box.checked) hidden.push(name);
          try { localStorage.setItem(columnsKey(table), JSON.stringify(hidden)); } catch (e) { /* private mode */ }
        });
        item.appendChild(box);
        item.appendChild(label);
        list.appendChild(item);
        if (!box.checked) showColumn(table, k, false);
      });
      menu.appendChild(button);
      menu.appendChild(list);
      var wrap = table.closest('.table-responsive, .table-wrap') || table;
      wrap.parentNode.insertBefore(menu, wrap);
  });

  // ---- searchable pickers ----
  // A select with more than SEARCH_FROM options (or data-search) gets a
  // filter box before it: typing keeps the options whose text contains
  // it; when one option is left it is chosen. data-search="off" opts out.
  var SEARCH_FROM = 30;
  function searchable(sel) {
    var box = document.createElement('input');
    box.type = 'search';
    box.className = 'form-control form-control-sm mb-1 select-search';
    box.placeholder = '输入文字筛选（共 ' + sel.options.length + ' 项）';
    box.setAttribute('autocomplete', 'off');
    var named = sel.getAttribute('aria-label') || (sel.labels && sel.labels[0] ? sel.labels[0].textContent.trim() : '');
    box.setAttribute('aria-label', '筛选选项' + (named ? '：' + named : ''));
    if (sel.id) box.setAttribute('aria-controls', sel.id);
    sel.parentNode.insertBefore(box, sel);
    box.addEventListener('keydown', function (evt) {
      if (evt.key === 'Enter') evt.preventDefault(); // choosing, not submitting
    });
    box.addEventListener('input', function () {
      var q = box.value.trim().toLowerCase();
      var left = [];
      Array.prototype.forEach.call(sel.options, function (o) {
        var hit = !q || o.text.toLowerCase().indexOf(q) !== -1;
        o.hidden = !hit && o.value !== '';
        if (hit && o.value !== '') left.push(o);
      });
      // One left is chosen, and said (change) to whatever listens; a
      // select that submits its form on change waits for the user's pick.
      if (q && left.length === 1 && !sel.multiple && !sel.hasAttribute('data-autosubmit') && sel.value !== left[0].value) {
        sel.value = left[0].value;
        sel.dispatchEvent(new Event('change', { bubbles: true }));
      }
      box.classList.toggle('is-invalid', q !== '' && left.length === 0);
    });
  }
  onEach('select', function (sel) {
    var want = sel.getAttribute('data-search');
    if (want === 'off') return;
    if (want !== null || sel.options.length > SEARCH_FROM) searchable(sel);
  });

  // ---- one-off flash message from the server-rendered page ----
  onReady(function () {
    var flash = document.getElementById('flash');
    if (flash) {
      showToast(flash.getAttribute('data-kind'), flash.getAttribute('data-message'));
      flash.remove(); // so an htmx history snapshot does not replay it
    }
  });
})();
