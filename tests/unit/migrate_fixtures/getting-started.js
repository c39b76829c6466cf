// The full example of vanilla-cookieconsent's "Getting started" guide, as a site would keep it
// in cookieconsent-config.js (test fixture written from its documentation).
import 'https://cdn.jsdelivr.net/gh/orestbida/cookieconsent@3/dist/cookieconsent.umd.js';

CookieConsent.run({
    // root: 'body',
    // autoShow: true,
    // mode: 'opt-in',
    // revision: 0,

    cookie: {
        name: 'cc_cookie',
        // domain: location.hostname,
        // expiresAfterDays: 182,
    },

    guiOptions: {
        consentModal: {
            layout: 'cloud inline',
            position: 'bottom center',
            equalWeightButtons: true,
            flipButtons: false
        },
        preferencesModal: {
            layout: 'box',
            equalWeightButtons: true,
            flipButtons: false
        }
    },

    onFirstConsent: ({cookie}) => {
        console.log('onFirstConsent fired', cookie);
    },
    onConsent: ({cookie}) => {
        console.log('onConsent fired!', cookie)
    },
    onChange: ({changedCategories, changedServices}) => {
        console.log('onChange fired!', changedCategories, changedServices);
    },
    onModalReady: ({modalName}) => { console.log('ready:', modalName); },

    categories: {
        necessary: {
            enabled: true,  // this category is enabled by default
            readOnly: true  // this category cannot be disabled
        },
        analytics: {
            autoClear: {
                cookies: [
                    { name: /^_ga/ },   // regex: every cookie starting with '_ga'
                    { name: '_gid' },   // string: exact cookie name
                ]
            },
            services: {
                ga: {
                    label: 'Google Analytics',
                    onAccept: () => {},
                    onReject: () => {}
                },
                youtube: {
                    label: 'Youtube Embed',
                    onAccept: () => {},
                    onReject: () => {}
                },
            }
        },
        ads: {}
    },

    language: {
        default: 'en',
        translations: {
            en: {
                consentModal: {
                    title: 'We use cookies',
                    description: 'We use cookies to measure visits and to show ads.',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    showPreferencesBtn: 'Manage Individual preferences',
                    footer: `
                        <a href="#path-to-impressum.html" target="_blank">Impressum</a>
                        <a href="#path-to-privacy-policy.html" target="_blank">Privacy Policy</a>
                    `,
                },
                preferencesModal: {
                    title: 'Manage cookie preferences',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    savePreferencesBtn: 'Accept current selection',
                    closeIconLabel: 'Close modal',
                    serviceCounterLabel: 'Service|Services',
                    sections: [
                        {
                            title: 'Your Privacy Choices',
                            description: `Here you can say which cookies we may use. You can change your choice at any time.`,
                        },
                        {
                            title: 'Strictly Necessary',
                            description: 'Needed for the website to work; they cannot be disabled.',
                            linkedCategory: 'necessary'
                        },
                        {
                            title: 'Performance and Analytics',
                            description: 'How you use the website, anonymised.',
                            linkedCategory: 'analytics',
                            cookieTable: {
                                caption: 'Cookie table',
                                headers: { name: 'Cookie', domain: 'Domain', desc: 'Description' },
                                body: [
                                    { name: '_ga', domain: location.hostname, desc: 'Description 1' },
                                    { name: '_gid', domain: location.hostname, desc: 'Description 2' }
                                ]
                            }
                        },
                        {
                            title: 'Targeting and Advertising',
                            description: 'Ads that are relevant to you.',
                            linkedCategory: 'ads',
                        },
                        {
                            title: 'More information',
                            description: 'For any queries, please <a href="#contact-page">contact us</a>'
                        }
                    ]
                }
            }
        }
    }
});
