/* The scan page's sound and vibration, by tone: ok, bad, wait, info, queued. Loaded before scan.js.
 * Generated tones (Web Audio): no audio files to download, distinct by pitch and shape. */
(function () {
  "use strict";
  var audio = null;
  var SOUNDS = {  // [frequencies in Hz, seconds each, wave]
    ok: [[880, 1320], 0.09, "sine"],
    bad: [[220, 165, 220], 0.18, "square"],
    wait: [[660], 0.12, "sine"],
    info: [[520], 0.05, "sine"],
    queued: [[440, 440], 0.07, "triangle"]
  };
  var VIBRATIONS = {ok: 60, bad: [250, 100, 250], wait: 30, queued: [40, 60, 40]};

  function feedback(tone) {
    var s = SOUNDS[tone];
    if (s) beep(s[0], s[1], s[2]);
    if (VIBRATIONS[tone] && navigator.vibrate) {
      try { navigator.vibrate(VIBRATIONS[tone]); } catch (e) { /* not allowed here */ }
    }
  }

  // Generated tones (Web Audio): no audio files to download, distinct by pitch and shape.
  function beep(freqs, seconds, wave) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      var t = audio.currentTime + 0.01;
      freqs.forEach(function (f, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        var start = t + i * seconds, end = start + seconds * 0.9;
        osc.type = wave;
        osc.frequency.value = f;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.35, start + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, end);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(start);
        osc.stop(end + 0.02);
      });
    } catch (e) { /* no audio on this device */ }
  }

  window.scanFeedback = feedback;
})();
