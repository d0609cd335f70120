/* How the console gets an agent's attention: a short beep made with WebAudio (no audio file),
 * a desktop notification (Notification API), and a count in the tab title. The agent can
 * switch the sound off; the choice is kept in localStorage. */

const SOUND_KEY = "console:sound";
let audio = null;
let baseTitle = document.title;

export function soundOn() {
  return localStorage.getItem(SOUND_KEY) !== "off";
}

export function setSound(on) {
  localStorage.setItem(SOUND_KEY, on ? "on" : "off");
}

/** Two short tones. Browsers allow sound only after the agent has used the page once. */
export function beep() {
  if (!soundOn()) return;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume();
    [0, 0.18].forEach((start, index) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = index ? 1046 : 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.25, audio.currentTime + start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + 0.15);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + start);
      osc.stop(audio.currentTime + start + 0.16);
    });
  } catch {
    /* no sound device: the notification and the title still tell */
  }
}

export function notificationsAllowed() {
  return "Notification" in window && Notification.permission === "granted";
}

export async function askForNotifications() {
  if (!("Notification" in window)) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  return Notification.requestPermission();
}

/** A desktop notification when the console is not in front; clicking it opens ``onClick``. */
export function notify(title, body, tag, onClick) {
  if (!notificationsAllowed()) return null;
  if (document.visibilityState === "visible" && document.hasFocus()) return null;
  const shown = new Notification(title, { body, tag, renotify: true });
  shown.onclick = () => {
    window.focus();
    if (onClick) onClick();
    shown.close();
  };
  return shown;
}

export function setBaseTitle(title) {
  baseTitle = title;
}

/** "(3) Agent console": conversations that need the agent. */
export function showCount(count) {
  document.title = count > 0 ? `(${count}) ${baseTitle}` : baseTitle;
}
