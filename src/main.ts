/**
 * Entry: start the worker (and with it DuckDB's download and compile) before anything else, then
 * load and mount the app. The app's chunk is parsed while the worker starts, instead of before.
 */
import { atlas } from './lib/worker-client';
import './app.css';

atlas();
void import('./mount');
