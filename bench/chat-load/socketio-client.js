// load.js's --target socketio: a socket.io-client connection with the few members of the SignalR HubConnection that
// load.js uses (start, stop, invoke, on, onclose), so the same run, pacing and figures drive bench/socketio/server.js.
// A call is an event with an ack; the ack is { result } or { error: "code: text" } as our gateway's errors read.
import { io } from "socket.io-client";

export class SocketIoConnection {
  constructor(url, token) {
    this.socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false, autoConnect: false });
    this.closeHandlers = [];
    this.socket.on("disconnect", (reason) => {
      if (reason !== "io client disconnect") for (const handler of this.closeHandlers) handler(new Error(`disconnected: ${reason}`));
    });
  }

  start() {
    return new Promise((resolve, reject) => {
      this.socket.once("connect", resolve);
      this.socket.once("connect_error", reject);
      this.socket.connect();
    });
  }

  async stop() { this.socket.disconnect(); }

  on(name, handler) { this.socket.on(name, handler); }

  onclose(handler) { this.closeHandlers.push(handler); }

  async invoke(name, argument) {
    if (!this.socket.connected) throw new Error("disconnected: not connected");
    const answer = await this.socket.emitWithAck(name, argument);
    if (answer?.error) throw new Error(answer.error);
    return answer?.result;
  }
}
