// A worker thread of `spatialkit rotate --jobs N`: makes the chunks the main thread asks for.
import { parentPort, workerData } from 'node:worker_threads';
import { serve, type WorkerSetup } from './rotate-chunk.js';

if (!parentPort) throw new Error('rotate-worker.js runs as a worker thread of `spatialkit rotate`');
serve(parentPort, workerData as WorkerSetup);
