// vanilla-cookieconsent's "Google consent mode" guide: constants for the category and service
// names, used as computed keys (test fixture written from its documentation).
import * as CookieConsent from './cookieconsent.esm.js';

const CAT_NECESSARY = "necessary";
const CAT_ANALYTICS = "analytics";
const CAT_ADVERTISEMENT = "advertisement";
const CAT_FUNCTIONALITY = "functionality";
const CAT_SECURITY = "security";

const SERVICE_AD_STORAGE = 'ad_storage'
const SERVICE_AD_USER_DATA = 'ad_user_data'
const SERVICE_AD_PERSONALIZATION = 'ad_personalization'
const SERVICE_ANALYTICS_STORAGE = 'analytics_storage'
const SERVICE_FUNCTIONALITY_STORAGE = 'functionality_storage'
const SERVICE_PERSONALIZATION_STORAGE = 'personalization_storage'
const SERVICE_SECURITY_STORAGE = 'security_storage'

window.dataLayer = window.dataLayer || [];
function gtag(){dataLayer.push(arguments);}

function updateGtagConsent() {
    gtag('consent', 'update', {
        [SERVICE_ANALYTICS_STORAGE]: CookieConsent.acceptedService(SERVICE_ANALYTICS_STORAGE, CAT_ANALYTICS) ? 'granted' : 'denied',
    });
}

CookieConsent.run({
    onFirstConsent: () => { updateGtagConsent(); },
    onConsent: () => { updateGtagConsent(); },
    onChange: () => { updateGtagConsent(); },

    categories: {
        [CAT_NECESSARY]: {
            enabled: true,
            readOnly: true,
        },
        [CAT_ANALYTICS]: {
            autoClear: {
                cookies: [
                    { name: /^_ga/ },
                    { name: '_gid' },
                ]
            },
            services: {
                [SERVICE_ANALYTICS_STORAGE]: {
                    label: 'Enables storage (such as cookies) related to analytics e.g. visit duration.',
                }
            }
        },
        [CAT_ADVERTISEMENT]: {
            services: {
                [SERVICE_AD_STORAGE]: { label: 'Enables storage (such as cookies) related to advertising.' },
                [SERVICE_AD_USER_DATA]: { label: 'Sets consent for sending user data related to advertising to Google.' },
                [SERVICE_AD_PERSONALIZATION]: { label: 'Sets consent for personalized advertising.' },
            }
        },
        [CAT_FUNCTIONALITY]: {
            services: {
                [SERVICE_FUNCTIONALITY_STORAGE]: { label: 'Enables storage that supports the functionality of the website.' },
                [SERVICE_PERSONALIZATION_STORAGE]: { label: 'Enables storage related to personalization e.g. video recommendations.' },
            }
        },
        [CAT_SECURITY]: {
            services: {
                [SERVICE_SECURITY_STORAGE]: { label: 'Enables storage related to security such as authentication.' },
            }
        }
    },

    language: {
        default: 'en',
        translations: {
            en: {
                consentModal: {
                    title: 'We use cookies',
                    description: 'This website uses essential cookies and, with your consent, others.',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    showPreferencesBtn: 'Manage Individual preferences'
                },
                preferencesModal: {
                    title: 'Manage cookie preferences',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    savePreferencesBtn: 'Accept current selection',
                    closeIconLabel: 'Close modal',
                    serviceCounterLabel: 'Service|Services',
                    sections: [
                        { title: 'Your Privacy Choices', description: 'Choose what we may store.' },
                        { title: 'Strictly Necessary', description: 'Always on.', linkedCategory: CAT_NECESSARY },
                        { title: 'Performance and Analytics', description: 'Visit statistics.', linkedCategory: CAT_ANALYTICS },
                        { title: 'Advertising', description: 'Google ads.', linkedCategory: CAT_ADVERTISEMENT },
                        { title: 'Functionality', description: 'Language settings.', linkedCategory: CAT_FUNCTIONALITY },
                        { title: 'Security', description: 'Sign-in protection.', linkedCategory: CAT_SECURITY },
                        { title: 'More information', description: 'Contact us.' }
                    ]
                }
            }
        }
    }
});
