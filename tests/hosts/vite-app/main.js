// Vite's entry must sit under its root; the consumer is shared with the other browser hosts.
import '../browser/main.js';
