/**
 * The tray menu's words in the UI's languages (en, de, fr, it), chosen by the system locale: the tray is drawn by the
 * operating system, outside the page and its i18next.
 */
export interface TrayLabels {
  open: string;
  pause: string;
  keepRunning: string;
  logs: string;
  quit: string;
  update: string;
  paused: string;
}

const LABELS: Record<'en' | 'de' | 'fr' | 'it', TrayLabels> = {
  en: {
    open: 'Open Smartmeter Bridge',
    pause: 'Pause publishing',
    keepRunning: 'Keep running when the window is closed',
    logs: 'Open log folder',
    quit: 'Quit',
    update: 'Update available:',
    paused: 'paused',
  },
  de: {
    open: 'Smartmeter Bridge öffnen',
    pause: 'Veröffentlichen pausieren',
    keepRunning: 'Weiterlaufen, wenn das Fenster geschlossen ist',
    logs: 'Protokollordner öffnen',
    quit: 'Beenden',
    update: 'Update verfügbar:',
    paused: 'pausiert',
  },
  fr: {
    open: 'Ouvrir Smartmeter Bridge',
    pause: 'Suspendre la publication',
    keepRunning: 'Continuer quand la fenêtre est fermée',
    logs: 'Ouvrir le dossier des journaux',
    quit: 'Quitter',
    update: 'Mise à jour disponible :',
    paused: 'en pause',
  },
  it: {
    open: 'Apri Smartmeter Bridge',
    pause: 'Sospendi la pubblicazione',
    keepRunning: 'Continua quando la finestra è chiusa',
    logs: 'Apri la cartella dei log',
    quit: 'Esci',
    update: 'Aggiornamento disponibile:',
    paused: 'in pausa',
  },
};

/** For a locale such as `de-CH` or `fr`; English for any other language. */
export function trayLabels(locale: string): TrayLabels {
  const language = locale.slice(0, 2).toLowerCase();
  return language in LABELS ? LABELS[language as keyof typeof LABELS] : LABELS.en;
}
