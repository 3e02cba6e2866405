/** Mounts the app (loaded by `main.ts` once the worker has been started). */
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
