// Page entry: load the wasm module, mount the app, register the service worker (offline use).
import init, { start_app } from './pkg/agentmeter_web.js';

await init();
start_app();

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((err) => {
    console.warn('service worker not registered:', err);
  });
}
