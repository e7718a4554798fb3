/**
 * The part of Node's `events` module that pouchdb-browser imports (`import EE from 'events'`),
 * so the browser build needs neither a Node polyfill nor a new dependency. vite.config.ts aliases
 * `events` here for the client build only.
 *
 * Written as a constructor with prototype methods assigned (not a class) because PouchDB copies
 * `Object.keys(EE.prototype)` onto its constructor: class methods are not enumerable.
 * Semantics follow Node: listeners run in order, `once` removes itself first, and an 'error'
 * event without a listener throws.
 */
function EventEmitter() {
	this._events = new Map();
}

function listenersOf(emitter, type) {
	if (!emitter._events) emitter._events = new Map();
	let list = emitter._events.get(type);
	if (!list) emitter._events.set(type, (list = []));
	return list;
}

Object.assign(EventEmitter.prototype, {
	on(type, listener) {
		listenersOf(this, type).push(listener);
		return this;
	},
	addListener(type, listener) {
		return this.on(type, listener);
	},
	prependListener(type, listener) {
		listenersOf(this, type).unshift(listener);
		return this;
	},
	once(type, listener) {
		const wrapper = (...args) => {
			this.removeListener(type, wrapper);
			listener.apply(this, args);
		};
		wrapper.listener = listener;
		return this.on(type, wrapper);
	},
	removeListener(type, listener) {
		const list = listenersOf(this, type);
		const index = list.findIndex((l) => l === listener || l.listener === listener);
		if (index >= 0) list.splice(index, 1);
		return this;
	},
	off(type, listener) {
		return this.removeListener(type, listener);
	},
	removeAllListeners(type) {
		if (!this._events) return this;
		if (type === undefined) this._events.clear();
		else this._events.delete(type);
		return this;
	},
	emit(type, ...args) {
		const list = this._events?.get(type);
		if (!list || list.length === 0) {
			if (type === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error: ${args[0]}`);
			return false;
		}
		for (const listener of [...list]) listener.apply(this, args);
		return true;
	},
	listeners(type) {
		return (this._events?.get(type) ?? []).map((l) => l.listener ?? l);
	},
	listenerCount(type) {
		return this._events?.get(type)?.length ?? 0;
	},
	setMaxListeners() {
		return this;
	},
	getMaxListeners() {
		return Infinity;
	},
	eventNames() {
		return [...(this._events?.keys() ?? [])];
	}
});

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.listenerCount = (emitter, type) => emitter.listenerCount(type);
EventEmitter.defaultMaxListeners = 10;

export default EventEmitter;
export { EventEmitter };
