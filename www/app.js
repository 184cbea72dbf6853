// Page entry: load the wasm module, mount the app, register the service worker (offline use).
import init, { start_app } from './pkg/agentmeter_web.js';

// The reader's theme pick before the first paint (the app keeps it in sync afterwards).
try {
  const theme = localStorage.getItem('agentmeter.theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  /* storage disabled: follow the system */
}

await init();
start_app();

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((err) => {
    console.warn('service worker not registered:', err);
  });
}
