// vanilla-cookieconsent v3 configuration for the scan test page (written by us).
CookieConsent.run({
  hideFromBots: false,   // the default hides the banner from Selenium (navigator.webdriver)
  categories: {necessary: {enabled: true, readOnly: true}, analytics: {}},
  language: {
    default: 'en',
    translations: {en: {
      consentModal: {title: 'We use cookies', description: 'Analytics helps us improve the site.',
                     acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all'},
      preferencesModal: {title: 'Cookie preferences', acceptAllBtn: 'Accept all',
                         acceptNecessaryBtn: 'Reject all', savePreferencesBtn: 'Save',
                         sections: [{title: 'Analytics', linkedCategory: 'analytics'}]}
    }}
  }
});
